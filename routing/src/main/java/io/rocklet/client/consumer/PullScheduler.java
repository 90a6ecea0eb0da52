package io.rocklet.client.consumer;

import io.rocklet.api.MessageQueue;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.MessageSelector;
import io.rocklet.client.internal.ClientContext;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Keeps one long-poll pull outstanding for each started {@link ProcessQueue} of a push consumer, with
 * no thread of its own: the fetch itself and what its answer means are the {@link QueueFetcher}'s (shared with the
 * pull consumer); here a pull's messages are added to the queue and handed to the {@link ConsumeService}, and the
 * next pull is sent.
 *
 * <p>Flow control: while a queue holds more than {@code pullThresholdForQueue} messages or
 * {@code pullThresholdBytesForQueue} body bytes, its next pull waits instead of buffering more: it goes out as soon
 * as consumption has taken the queue down to half of both limits, or after {@value #FLOW_CONTROL_DELAY_MS} ms (which
 * checks again), whichever comes first.
 *
 * <p>Thread-safe: per-queue pull state is in the ProcessQueue; the rest is immutable after construction.
 */
final class PullScheduler implements QueueFetcher.Answers<ProcessQueue>
{
    static final long FLOW_CONTROL_DELAY_MS = 50;
    private static final Executor CALL_NOW = Runnable::run;

    private final ClientExecutor timers;
    private final ConsumeService consumers;
    private final QueueFetcher fetcher;
    private final Map<String, MessageSelector> selectors;
    private final int batchSize;
    private final int maxMessages;
    private final long maxBytes;
    private volatile boolean closed;

    /**
     * @param selectors    topic to selector, for every topic pulled (the retry topic included).
     * @param brokerFailed told the name of a broker that did not answer a pull.
     */
    PullScheduler(final ClientContext context, final ClientExecutor timers, final PushConsumerConfig config,
        final Map<String, MessageSelector> selectors, final ConsumeService consumers, final Consumer<String> brokerFailed)
    {
        this.timers = timers;
        this.consumers = consumers;
        this.fetcher = new QueueFetcher(context, timers, config.group(), config.longPollTimeout(), brokerFailed);
        this.selectors = Map.copyOf(selectors);
        this.batchSize = config.pullBatchSize();
        this.maxMessages = config.pullThresholdForQueue();
        this.maxBytes = config.pullThresholdBytesForQueue();
    }

    /**
     * Starts pulling a queue whose start offset is set.
     */
    void start(final ProcessQueue queue)
    {
        pull(queue);
    }

    /**
     * Sends again a pull whose answer is overdue.
     */
    void reviveIfStalled(final ProcessQueue queue, final long nowNanos)
    {
        if (!closed && !queue.dropped() && fetcher.abandonIfStalled(queue, nowNanos))
        {
            pull(queue);
        }
    }

    /**
     * Sends no more pulls; answers still due are ignored. Idempotent.
     */
    void close()
    {
        closed = true;
    }

    @Override
    public void found(final ProcessQueue queue, final List<ReceivedMessageImpl> accepted, final long nextOffset)
    {
        if (closed || queue.dropped())
        {
            return;
        }
        final List<ReceivedMessageImpl> added = queue.add(accepted, nextOffset);
        if (!added.isEmpty())
        {
            consumers.submit(queue, added);
        }
        pull(queue);
    }

    @Override
    public void moved(final ProcessQueue queue, final long nextOffset)
    {
        if (closed || queue.dropped())
        {
            return;
        }
        queue.advance(nextOffset);
        pull(queue);
    }

    @Override
    public void failed(final ProcessQueue queue)
    {
        timers.schedule(() -> pull(queue), QueueFetcher.RETRY_MS);
    }

    private void pull(final ProcessQueue queue)
    {
        if (closed || queue.dropped())
        {
            return;
        }
        if (queue.pauseWhenFull(maxMessages, maxBytes, () -> timers.execute(() -> pull(queue))))
        {
            timers.schedule(() -> resumeIfPaused(queue), FLOW_CONTROL_DELAY_MS);
            return;
        }
        final MessageQueue mq = queue.queue();
        fetcher.fetch(queue, queue.nextOffset(), batchSize, selectors.getOrDefault(mq.topic(), MessageSelector.all()),
            this, CALL_NOW);
    }

    private static void resumeIfPaused(final ProcessQueue queue)
    {
        final Runnable resume = queue.takeResume();
        if (resume != null)
        {
            resume.run();
        }
    }
}
