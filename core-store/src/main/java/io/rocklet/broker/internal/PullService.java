package io.rocklet.broker.internal;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.MessageView;
import io.rocklet.api.RockletException;
import io.rocklet.api.TagFilter;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.TopicNames;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.PullStatus;
import io.rocklet.broker.metrics.BrokerMetrics;
import io.rocklet.store.MessageArrivalListener;
import io.rocklet.store.MessageStore;
import io.rocklet.store.ReadResult;
import io.rocklet.store.ReadStatus;
import io.rocklet.store.ScanResult;
import io.rocklet.store.StoredMessage;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pulls with long polling. A pull reads its queue at once; the store checks its tag filter, and an SQL92 filter, when
 * the pull has one, is checked here on the messages read (parsed once per group, topic and expression; reading goes
 * on past batches without a match, up to {@link #MAX_SQL_SCAN} messages). When it skipped messages its filters
 * rejected and found none they accept, it is answered at once with NO_MATCHED_MESSAGE and the offset past them (so that the consumer's
 * committed offset moves past filtered-out messages promptly); when there is nothing new and it asked to wait, it is
 * held (at most {@code maxHeld} at once; beyond that the pull fails with a retriable BUSY) until the store's
 * dispatcher reports an arrival in that queue - then it is read again and answered on the dispatcher thread - or
 * until its deadline, when the broker agent answers it with whatever is there (usually nothing).
 *
 * <p>Threads: pulls come from any thread; {@link #onArrival} runs on the store's dispatcher (it reads the batch and
 * completes the future, nothing more); {@link #expire()} runs on the broker agent, which alone owns the deadline
 * queue. Dependent stages of a held pull's future may run on whichever of these threads completed it, so callers
 * must keep them short or use the async variants.
 */
public final class PullService implements MessageArrivalListener
{
    /** Most messages one pull returns. */
    public static final int MAX_PULL_COUNT = 1024;
    /** Most bytes of records one pull returns (the first message is returned whatever its size). */
    public static final int MAX_PULL_BYTES = 4 * 1024 * 1024;
    /** Most messages one pull with an SQL92 filter reads looking for a match before it answers NO_MATCHED_MESSAGE. */
    public static final int MAX_SQL_SCAN = 4 * MAX_PULL_COUNT;
    /** Most parsed SQL92 filters kept. */
    private static final int MAX_SQL_FILTERS = 4096;
    private static final Logger LOG = LoggerFactory.getLogger(PullService.class);

    private final MessageStore store;
    private final TopicConfigStore topics;
    private final NanoClock nanoClock;
    private final int maxHeld;
    private final SqlFilterCache sqlFilters = new SqlFilterCache(MAX_SQL_FILTERS);
    private final AtomicInteger held = new AtomicInteger();
    private volatile boolean closing;
    private final ConcurrentHashMap<QueueKey, ConcurrentLinkedQueue<HeldPull>> byQueue = new ConcurrentHashMap<>();
    private final ManyToOneConcurrentLinkedQueue<HeldPull> newlyHeld = new ManyToOneConcurrentLinkedQueue<>();
    /** Owned by the broker agent. */
    private final PriorityQueue<HeldPull> deadlines =
        new PriorityQueue<>(Comparator.comparingLong((HeldPull h) -> h.deadlineNs));

    /** One queue of one topic. */
    private record QueueKey(String topic, int queueId)
    {
    }

    private final BrokerMetrics metrics;

    public PullService(final MessageStore store, final TopicConfigStore topics, final NanoClock nanoClock,
        final int maxHeld, final BrokerMetrics metrics)
    {
        this.metrics = metrics;
        this.store = store;
        this.topics = topics;
        this.nanoClock = nanoClock;
        this.maxHeld = maxHeld;
    }

    /**
     * Reads the queue; answers at once, or holds the pull when there is nothing new and it may wait.
     */
    public CompletableFuture<PullResult> pull(final PullRequest request)
    {
        final PullFilter filter = validate(request);
        final ReadResult read = read(request, request.offset(), filter);
        final long waitFrom = waitOffset(request.offset(), read);
        if (waitFrom < 0 || request.longPollTimeoutMs() <= 0)
        {
            return CompletableFuture.completedFuture(counted(request, toPull(read, request.offset())));
        }
        return hold(request, filter, waitFrom);
    }

    /**
     * Called by the store's dispatcher when {@code topic}:{@code queueId} has new messages: answers the pulls held
     * on that queue that the new messages satisfy.
     */
    @Override
    public void onArrival(final String topic, final int queueId, final long maxOffset)
    {
        if (held.get() == 0)
        {
            return;
        }
        final ConcurrentLinkedQueue<HeldPull> waiting = byQueue.get(new QueueKey(topic, queueId));
        if (waiting == null)
        {
            return;
        }
        final Iterator<HeldPull> it = waiting.iterator();
        while (it.hasNext())
        {
            final HeldPull pull = it.next();
            if (!pull.isDone() && pull.offset() < maxOffset)
            {
                tryAnswer(pull);
            }
            if (pull.isDone())
            {
                it.remove();
            }
        }
    }

    /**
     * Answers the held pulls whose deadline passed. Broker agent only.
     *
     * @return how many were answered.
     */
    public int expire()
    {
        HeldPull pull;
        while ((pull = newlyHeld.poll()) != null)
        {
            deadlines.add(pull);
        }
        final long nowNs = nanoClock.nanoTime();
        int expired = 0;
        while ((pull = deadlines.peek()) != null && pull.deadlineNs - nowNs <= 0)
        {
            deadlines.poll();
            if (!pull.isDone())
            {
                tryAnswer(pull);
                if (!pull.isDone() && complete(pull, waitingAnswer(pull)))
                {
                    expired++;
                }
            }
            final ConcurrentLinkedQueue<HeldPull> waiting = byQueue.get(key(pull.request));
            if (waiting != null)
            {
                waiting.remove(pull);
            }
        }
        if (deadlines.size() > 2 * held.get() + 64)
        {
            deadlines.removeIf(HeldPull::isDone); // answered early; their deadline entries are garbage
        }
        return expired;
    }

    /**
     * Answers every held pull with what its queue has now, and from now on answers pulls without holding them
     * (the broker is closing).
     */
    public void answerAll()
    {
        closing = true;
        for (final ConcurrentLinkedQueue<HeldPull> waiting : byQueue.values())
        {
            HeldPull pull;
            while ((pull = waiting.poll()) != null)
            {
                if (!pull.isDone())
                {
                    complete(pull, waitingAnswer(pull));
                }
            }
        }
    }

    private PullFilter validate(final PullRequest request)
    {
        if (request == null)
        {
            throw new InvalidArgumentException("illegal pull: request=null");
        }
        TopicNames.validate(request.topic());
        final TopicConfig topic = topics.get(request.topic());
        if (topic == null)
        {
            throw new RockletException(ErrorCode.TOPIC_NOT_FOUND, "cannot pull, no such topic: topic=" +
                request.topic() + ", group=" + request.group());
        }
        if (!topic.readable())
        {
            throw new RockletException(ErrorCode.PERMISSION_DENIED, "cannot pull, topic is not readable: topic=" +
                request.topic() + ", permission=" + topic.permission() + ", group=" + request.group());
        }
        if (request.queueId() < 0 || request.queueId() >= topic.readQueues() || request.offset() < 0 ||
            request.maxCount() <= 0 || request.longPollTimeoutMs() < 0)
        {
            throw new InvalidArgumentException("illegal pull: topic=" + request.topic() + ", queueId=" +
                request.queueId() + ", readQueues=" + topic.readQueues() + ", offset=" + request.offset() +
                ", maxCount=" + request.maxCount() + ", longPollTimeoutMs=" + request.longPollTimeoutMs());
        }
        final TagFilter tags = TagFilter.parse(request.tagExpression());
        if (!request.hasSqlFilter())
        {
            return new PullFilter(tags, null);
        }
        try
        {
            return new PullFilter(tags, sqlFilters.get(request.group(), request.topic(), request.sqlExpression()));
        }
        catch (final InvalidArgumentException e)
        {
            throw new InvalidArgumentException(e.getMessage() + ", topic=" + request.topic() + ", group=" +
                request.group());
        }
    }

    /**
     * Reads from {@code offset}; with an SQL92 filter, keeps only the messages it accepts and reads on while a batch
     * had none, until a batch has matches, the queue's end or {@link #MAX_SQL_SCAN} messages (then the answer is
     * NO_MATCHED_MESSAGE with the offset past the skipped messages).
     */
    private ReadResult read(final PullRequest request, final long offset, final PullFilter filter)
    {
        ReadResult read = filter.sql() == null ? readStore(request, offset, filter) : scanStore(request, offset, filter);
        if (filter.sql() == null)
        {
            return read;
        }
        long next = offset;
        int scanned = 0;
        while (true)
        {
            if (read.status() == ReadStatus.FOUND)
            {
                if (!read.messages().isEmpty())
                {
                    return read;
                }
            }
            else if (read.status() != ReadStatus.NO_MATCHED_MESSAGE || read.nextOffset() <= next)
            {
                // the first read answers for itself; a later one (the end, or damage) waits for the next pull
                return next == offset ? read : new ReadResult(ReadStatus.NO_MATCHED_MESSAGE, next,
                    read.minOffset(), Math.max(read.maxOffset(), next), List.of());
            }
            scanned += (int) Math.min(MAX_SQL_SCAN, read.nextOffset() - next);
            next = read.nextOffset();
            if (next >= read.maxOffset() || scanned >= MAX_SQL_SCAN)
            {
                return new ReadResult(ReadStatus.NO_MATCHED_MESSAGE, next, read.minOffset(), read.maxOffset(),
                    List.of());
            }
            read = scanStore(request, next, filter);
        }
    }

    /**
     * Reads with an SQL92 filter: the store's records are visited in place and evaluated on their property bytes
     * ({@link PullFilter#accepts}); only the matching ones are copied out.
     *
     * @return FOUND with the matching messages (none when the batch had no match), or the store's other status.
     */
    private ReadResult scanStore(final PullRequest request, final long offset, final PullFilter filter)
    {
        final List<StoredMessage> matched = new ArrayList<>();
        final ScanResult scan = store.scan(request.topic(), request.queueId(), offset,
            Math.min(request.maxCount(), MAX_PULL_COUNT), MAX_PULL_BYTES, filter.tags(), record ->
            {
                if (filter.accepts(record))
                {
                    matched.add(record.toMessage());
                }
                return true;
            });
        if (scan.status() == ReadStatus.DAMAGED_MESSAGE)
        {
            LOG.error("message damaged in the store, consumers skip it: topic={}, queueId={}, queueOffset={}, group={}",
                request.topic(), request.queueId(), offset, request.group());
        }
        return new ReadResult(scan.status(), scan.nextOffset(), scan.minOffset(), scan.maxOffset(), matched);
    }

    private ReadResult readStore(final PullRequest request, final long offset, final PullFilter filter)
    {
        final ReadResult read = store.read(request.topic(), request.queueId(), offset,
            Math.min(request.maxCount(), MAX_PULL_COUNT), MAX_PULL_BYTES, filter.tags());
        if (read.status() == ReadStatus.DAMAGED_MESSAGE)
        {
            LOG.error("message damaged in the store, consumers skip it: topic={}, queueId={}, queueOffset={}, group={}",
                request.topic(), request.queueId(), offset, request.group());
        }
        return read;
    }

    /**
     * @return the offset a pull that found {@code read} waits at, or -1 when it must be answered now.
     */
    private static long waitOffset(final long offset, final ReadResult read)
    {
        return switch (read.status())
        {
            case NO_NEW_MESSAGES -> offset;
            case NO_SUCH_QUEUE -> offset == 0 ? 0 : -1;
            // messages were skipped by the filter: answer at once with the offset past them (RocketMQ's
            // NO_MATCHED_MSG), so the consumer commits it and its offset never stays behind filtered-out messages
            case NO_MATCHED_MESSAGE -> read.nextOffset() > offset ? -1 : offset;
            default -> -1;
        };
    }

    private CompletableFuture<PullResult> hold(final PullRequest request, final PullFilter filter, final long offset)
    {
        if (held.incrementAndGet() > maxHeld)
        {
            held.decrementAndGet();
            throw new RockletException(ErrorCode.BUSY, "broker busy, too many pulls waiting: held=" + maxHeld +
                ", topic=" + request.topic() + ", queueId=" + request.queueId() + ", group=" + request.group());
        }
        final long timeoutNs = TimeUnit.MILLISECONDS.toNanos(request.longPollTimeoutMs());
        final HeldPull pull = new HeldPull(request, filter, offset, nanoClock.nanoTime() + timeoutNs);
        byQueue.computeIfAbsent(key(request), k -> new ConcurrentLinkedQueue<>()).add(pull);
        newlyHeld.offer(pull);
        // a message that arrived between the read and the registration above was announced to nobody
        if (store.maxOffset(request.topic(), request.queueId()) > offset)
        {
            tryAnswer(pull);
        }
        if (closing)
        {
            complete(pull, waitingAnswer(pull)); // answerAll() may have drained the queues before the add above
        }
        return pull.future;
    }

    /**
     * Reads the held pull's queue again and answers it if there is something to say; else it keeps waiting.
     */
    private void tryAnswer(final HeldPull pull)
    {
        try
        {
            final long offset = pull.offset();
            final ReadResult read = read(pull.request, offset, pull.filter);
            final long waitFrom = waitOffset(offset, read);
            if (waitFrom < 0)
            {
                complete(pull, toPull(read, offset));
            }
            else
            {
                pull.advanceTo(waitFrom);
            }
        }
        catch (final RuntimeException e)
        {
            if (pull.future.completeExceptionally(Replies.toRockletException(e, "pull failed: topic=" +
                pull.request.topic() + ", queueId=" + pull.request.queueId())))
            {
                held.decrementAndGet();
            }
            LOG.debug("held pull failed: topic={}, queueId={}, error={}", pull.request.topic(),
                pull.request.queueId(), e.toString());
        }
    }

    /** The answer to a pull that waited in vain: nothing new, or nothing that matched. */
    private PullResult waitingAnswer(final HeldPull pull)
    {
        final String topic = pull.request.topic();
        final int queueId = pull.request.queueId();
        final long offset = pull.offset();
        final PullStatus status = offset > pull.request.offset() ? PullStatus.NO_MATCHED_MESSAGE :
            PullStatus.NO_NEW_MESSAGES;
        long min = 0;
        long max = offset;
        try
        {
            min = store.minOffset(topic, queueId);
            max = store.maxOffset(topic, queueId);
        }
        catch (final RuntimeException e)
        {
            LOG.debug("cannot read queue offsets for a held pull: topic={}, queueId={}, error={}", topic, queueId,
                e.toString());
        }
        return new PullResult(status, offset, min, max, List.of());
    }

    private boolean complete(final HeldPull pull, final PullResult result)
    {
        if (pull.future.complete(counted(pull.request, result)))
        {
            held.decrementAndGet();
            return true;
        }
        return false;
    }

    /**
     * Counts the messages a pull returns (the answer, once per pull; no loop over the messages without a registry).
     */
    private PullResult counted(final PullRequest request, final PullResult result)
    {
        if (metrics != BrokerMetrics.NONE && !result.messages().isEmpty())
        {
            long bytes = 0;
            final List<MessageView> messages = result.messages();
            for (int i = 0; i < messages.size(); i++)
            {
                bytes += messages.get(i).bodySize(); // body() would wrap a buffer per message
            }
            metrics.messagesOut(request.group(), request.topic(), request.queueId(), result.nextOffset(),
                messages.size(), bytes);
        }
        return result;
    }

    private static QueueKey key(final PullRequest request)
    {
        return new QueueKey(request.topic(), request.queueId());
    }

    /**
     * @param offset the offset the read started at.
     * @return the read as a pull answer.
     */
    static PullResult toPull(final ReadResult read, final long offset)
    {
        final List<MessageView> messages = Collections.unmodifiableList(read.messages());
        return switch (read.status())
        {
            case FOUND -> new PullResult(PullStatus.FOUND, read.nextOffset(), read.minOffset(), read.maxOffset(),
                messages);
            case NO_MATCHED_MESSAGE -> new PullResult(PullStatus.NO_MATCHED_MESSAGE, read.nextOffset(),
                read.minOffset(), read.maxOffset(), List.of());
            // a record lost to damage (quarantined by recovery, or failing its checks): the consumer moves past it
            case DAMAGED_MESSAGE -> new PullResult(PullStatus.NO_MATCHED_MESSAGE, read.nextOffset(),
                read.minOffset(), read.maxOffset(), List.of());
            case NO_NEW_MESSAGES -> new PullResult(PullStatus.NO_NEW_MESSAGES, read.nextOffset(), read.minOffset(),
                read.maxOffset(), List.of());
            case OFFSET_TOO_OLD -> new PullResult(PullStatus.OFFSET_TOO_OLD, read.nextOffset(), read.minOffset(),
                read.maxOffset(), List.of());
            case OFFSET_OVERFLOW -> new PullResult(PullStatus.OFFSET_OVERFLOW, read.nextOffset(), read.minOffset(),
                read.maxOffset(), List.of());
            // the queue has no messages yet: offset 0 is where its first message will be
            case NO_SUCH_QUEUE -> new PullResult(offset == 0 ? PullStatus.NO_NEW_MESSAGES : PullStatus.OFFSET_OVERFLOW,
                0, 0, 0, List.of());
        };
    }
}
