package io.rocklet.store.internal.dispatch;

import io.rocklet.api.ClosedException;
import io.rocklet.api.agent.HostedAgent;
import io.rocklet.store.MessageArrivalListener;
import io.rocklet.store.internal.StoreHealth;
import io.rocklet.store.internal.queue.QueueState;
import io.rocklet.store.internal.queue.TopicState;
import io.rocklet.store.internal.queue.TopicTable;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.rocklet.store.internal.dispatch.DispatchDescriptor.*;

/**
 * The dispatcher agent: takes stored-record events off the ring, builds consume queues and the key
 * index from them, publishes how far the log is dispatched, and tells the arrival listener which
 * queues have new messages (once per queue per duty cycle). Owns the writes to every consume queue
 * and the key index while the store runs.
 */
public final class Dispatcher implements HostedAgent, MessageHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final VarHandle DISPATCHED;
    private static final int BATCH_LIMIT = 4096;

    static
    {
        try
        {
            DISPATCHED = MethodHandles.lookup().findVarHandle(Dispatcher.class, "dispatchedPosition", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final DispatchRing ring;
    private final TopicTable topics;
    private final DispatchApplier applier;
    private final MessageArrivalListener listener;
    private final StoreHealth health;
    private final List<QueueState> touched = new ArrayList<>();
    private final DispatchWaiters waiters = new DispatchWaiters();
    private volatile long dispatchedPosition;
    private volatile long dispatchedStoreTimestampMs;
    private long pendingPosition;
    private long pendingStoreTimestampMs;
    private boolean failed;

    public Dispatcher(final DispatchRing ring, final TopicTable topics, final DispatchApplier applier,
        final MessageArrivalListener listener, final StoreHealth health, final long startPosition,
        final long startStoreTimestampMs)
    {
        this.ring = ring;
        this.topics = topics;
        this.applier = applier;
        this.listener = listener;
        this.health = health;
        this.dispatchedPosition = startPosition;
        this.pendingPosition = startPosition;
        this.dispatchedStoreTimestampMs = startStoreTimestampMs;
        this.pendingStoreTimestampMs = startStoreTimestampMs;
    }

    /**
     * @return the store time of the last dispatched record (published before {@link #dispatchedPosition()}).
     */
    public long dispatchedStoreTimestampMs()
    {
        return dispatchedStoreTimestampMs;
    }

    /**
     * @return the log position up to which every record is in its consume queue and the key index.
     */
    public long dispatchedPosition()
    {
        return dispatchedPosition;
    }

    /**
     * @param position a log position (the end of an append that was acknowledged).
     * @return completes once every record before {@code position} is dispatched, or the dispatcher stopped for good
     *     ({@link #stop()}, or a failure that fenced the store).
     */
    public CompletableFuture<Void> whenDispatched(final long position)
    {
        return waiters.await(position, this::dispatchedPosition);
    }

    /**
     * Releases every {@link #whenDispatched} wait: the dispatcher will not run again (the store is closing).
     */
    public void stop()
    {
        waiters.releaseAll();
        for (final TopicState topic : topics.all())
        {
            topic.abandonReset(new ClosedException("store closed before the topic's queues were reset: topic=" +
                topic.name()));
        }
    }

    @Override
    public int doWork()
    {
        final int events = dispatchEvents();
        return events == 0 ? 0 : events + notifyArrivals();
    }

    @Override
    public String roleName()
    {
        return "rocklet-dispatcher";
    }

    @Override
    public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        if (failed)
        {
            return; // fenced: the log holds the rest, recovery will dispatch it
        }
        final TopicState topic = topics.byId(buffer.getInt(index + TOPIC_ID_OFFSET));
        if (msgTypeId == MSG_TOPIC_RESET)
        {
            onTopicReset(topic);
            return;
        }
        final QueueState queue = topic.queue(buffer.getInt(index + QUEUE_ID_OFFSET));
        final long logOffset = buffer.getLong(index + LOG_OFFSET_OFFSET);
        final int size = buffer.getInt(index + SIZE_OFFSET);
        final long storeTimestamp = buffer.getLong(index + STORE_TIMESTAMP_OFFSET);
        try
        {
            applier.apply(queue, buffer.getLong(index + QUEUE_OFFSET_OFFSET), logOffset, size,
                buffer.getLong(index + TAG_CODE_OFFSET), storeTimestamp, buffer.getInt(index + KEY_COUNT_OFFSET));
        }
        catch (final RuntimeException e)
        {
            failed = true;
            health.fence(e);
            waiters.releaseAll();
            return;
        }
        pendingPosition = logOffset + size;
        pendingStoreTimestampMs = storeTimestamp;
        if (queue.markTouched())
        {
            touched.add(queue);
        }
    }

    private void onTopicReset(final TopicState topic)
    {
        try
        {
            topic.resetQueues();
            LOG.info("topic queues reset: topic={}, visibleFromLogOffset={}", topic.name(), topic.visibleFrom());
        }
        catch (final RuntimeException e)
        {
            topic.abandonReset(e);
            failed = true;
            health.fence(e);
            waiters.releaseAll();
        }
    }

    private int dispatchEvents()
    {
        final int events = ring.read(this, BATCH_LIMIT);
        if (events > 0)
        {
            dispatchedStoreTimestampMs = pendingStoreTimestampMs;
            DISPATCHED.setRelease(this, pendingPosition);
            waiters.passed(pendingPosition);
        }
        return events;
    }

    private int notifyArrivals()
    {
        final int count = touched.size();
        for (int i = 0; i < count; i++)
        {
            final QueueState queue = touched.get(i);
            queue.clearTouched();
            try
            {
                listener.onArrival(queue.topic().name(), queue.queueId(), queue.consumeQueue().maxOffset());
            }
            catch (final RuntimeException e)
            {
                LOG.warn("arrival listener failed: topic={}, queueId={}, error={}", queue.topic().name(),
                    queue.queueId(), e.toString(), e);
            }
        }
        touched.clear();
        return count;
    }
}
