package io.rocklet.broker.timer;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.TagFilter;
import io.rocklet.broker.internal.Delays;
import io.rocklet.broker.internal.PendingCounts;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.MessageStore;
import io.rocklet.store.ReadResult;
import io.rocklet.store.ReadStatus;
import io.rocklet.store.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The timer's last step: reads a due message from the timer queue (reading ahead while due order follows queue order,
 * the usual case) and appends it to its real topic and queue. A store refusal that may pass holds delivery back for a
 * second ({@link #notBeforeMs()}). Owned by the broker agent thread, as the {@link TimerService} that uses it.
 */
final class TimedDelivery
{
    private static final Logger LOG = LoggerFactory.getLogger(TimedDelivery.class);
    private static final long RETRY_AFTER_FAILURE_MS = 1000;

    private final MessageStore store;
    private final PendingCounts pending;
    private final int batch;
    private final int batchBytes;
    /** The timer-queue messages read last, from {@link #readAheadFirst}. */
    private List<StoredMessage> readAhead = List.of();
    private long readAheadFirst = -1;
    private int readAheadCount = 1;
    private long notBeforeMs;

    TimedDelivery(final MessageStore store, final PendingCounts pending, final int batch, final int batchBytes)
    {
        this.store = store;
        this.pending = pending;
        this.batch = batch;
        this.batchBytes = batchBytes;
    }

    /**
     * @return until when delivery waits after a refusal that may pass.
     */
    long notBeforeMs()
    {
        return notBeforeMs;
    }

    /**
     * Reads the message at {@code offset} of the timer queue and delivers it (an unreadable one is skipped, logged).
     *
     * @return false when delivery failed and is retried later.
     */
    boolean deliverAt(final long offset, final long nowMs)
    {
        final long index = offset - readAheadFirst;
        if (index >= 0 && index < readAhead.size() && readAhead.get((int)index).queueOffset() == offset)
        {
            return deliver(readAhead.get((int)index), nowMs, true);
        }
        // sequential due order (the usual case) reads ahead more and more; any other order reads one at a time
        readAheadCount = offset == readAheadFirst + readAhead.size() ? Math.min(batch, readAheadCount * 2) : 1;
        final ReadResult read = store.read(SystemTopics.TIMER_TOPIC, Delays.TIMER_QUEUE, offset, readAheadCount,
            batchBytes, TagFilter.ALL);
        if (read.status() != ReadStatus.FOUND || read.messages().isEmpty() ||
            read.messages().get(0).queueOffset() != offset)
        {
            LOG.warn("timed message unreadable, skipped: queueOffset={}, status={}", offset, read.status());
            return true;
        }
        readAhead = read.messages();
        readAheadFirst = offset;
        return deliver(readAhead.get(0), nowMs, true);
    }

    /**
     * Appends a timed message to its real topic.
     *
     * @param counted it is counted in the pending counts.
     * @return false when the store refused it for a reason that may pass (retried after a second).
     */
    boolean deliver(final StoredMessage message, final long nowMs, final boolean counted)
    {
        String topic = null;
        try
        {
            final AppendRequest append = Delays.toRealTopic(message); // decodes the properties once
            topic = append.message().topic();
            store.append(append);
        }
        catch (final InvalidArgumentException e)
        {
            LOG.warn("skipping timed message the store refuses: queueOffset={}, error={}", message.queueOffset(),
                e.getMessage());
        }
        catch (final RockletException e)
        {
            LOG.warn("cannot deliver timed message, retrying: queueOffset={}, retryInMs={}, error={}",
                message.queueOffset(), RETRY_AFTER_FAILURE_MS, e.toString());
            notBeforeMs = nowMs + RETRY_AFTER_FAILURE_MS;
            return false;
        }
        if (counted)
        {
            pending.decrement(topic != null ? topic : TimerRecords.realTopic(message.properties()));
        }
        return true;
    }
}
