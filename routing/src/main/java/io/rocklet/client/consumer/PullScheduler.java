package io.rocklet.client.consumer;

import io.rocklet.api.MessageQueue;
import io.rocklet.api.MessageView;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.MessageSelector;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.client.internal.ClientContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Keeps one long-poll pull outstanding for each started {@link ProcessQueue} of a push consumer, with
 * no thread of its own: a pull's answer is handled - the messages added to the queue, handed to the
 * {@link ConsumeService}, the next pull sent - on the client's scheduler thread when the broker answered at
 * once, and on the thread that answered it when the pull was held (a broker or transport thread: the work
 * is short and never blocks, and the wake-up of a long poll saves a thread hand-off).
 *
 * <ul>
 *   <li>Flow control: while a queue holds more than {@code pullThresholdForQueue} messages or
 *       {@code pullThresholdBytesForQueue} body bytes, its next pull waits instead of buffering more: it goes
 *       out as soon as consumption has taken the queue down to half of both limits, or after
 *       {@value #FLOW_CONTROL_DELAY_MS} ms (which checks again), whichever comes first.</li>
 *   <li>Errors: the topic's route is invalidated and the queue backs off {@value #ERROR_BACKOFF_MS} ms.</li>
 *   <li>OFFSET_TOO_OLD / OFFSET_OVERFLOW: pulling continues from the broker's next offset.</li>
 *   <li>Filters: the broker filters by tag hash and by SQL92 expression; the exact check
 *       ({@link MessageSelector#matches}) happens here again, and a message filtered out counts as consumed.</li>
 *   <li>A pull unanswered for the long-poll timeout plus two request timeouts is given up and sent again
 *       (its late answer is ignored), so a lost answer cannot stall a queue.</li>
 * </ul>
 * Thread-safe: per-queue pull state is in the ProcessQueue; the rest is immutable after construction.
 */
final class PullScheduler
{
    private static final Logger LOG = LoggerFactory.getLogger(PullScheduler.class);
    static final long FLOW_CONTROL_DELAY_MS = 50;
    static final long ERROR_BACKOFF_MS = 1000;

    private final ClientContext context;
    private final ClientExecutor timers;
    private final ConsumeService consumers;
    private final Consumer<String> brokerFailed;
    private final String group;
    private final Map<String, MessageSelector> selectors;
    private final int batchSize;
    private final long longPollMs;
    private final long stallNanos;
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
        this.context = context;
        this.timers = timers;
        this.consumers = consumers;
        this.brokerFailed = brokerFailed;
        this.group = config.group();
        this.selectors = Map.copyOf(selectors);
        this.batchSize = config.pullBatchSize();
        this.longPollMs = config.longPollTimeout().toMillis();
        this.stallNanos = TimeUnit.MILLISECONDS.toNanos(longPollMs) +
            2 * context.config().requestTimeout().toNanos();
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
        if (!closed && !queue.dropped() && queue.abandonStalledPull(nowNanos, stallNanos))
        {
            LOG.warn("pull unanswered, sending it again: group={}, queue={}", group, queue.queue());
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
        final PullRequest request = new PullRequest(group, mq.topic(), mq.queueId(), queue.nextOffset(), batchSize,
            selectors.getOrDefault(mq.topic(), MessageSelector.all()), longPollMs);
        final int sequence = queue.beginPull(System.nanoTime());
        final CompletableFuture<PullResult> answer = Futures.call(() -> context.pullBroker(mq).pull(request));
        final BiConsumer<PullResult, Throwable> handler = (result, error) ->
        {
            if (result != null)
            {
                context.suggestBroker(mq, result.suggestedBrokerId());
            }
            onAnswer(queue, sequence, request, result, error);
        };
        if (answer.isDone())
        {
            answer.whenCompleteAsync(handler, timers); // answered at once: on the scheduler, so pulls never recurse
        }
        else
        {
            answer.whenComplete(handler); // held: handled by the thread that answers it, saving a thread hand-off
        }
    }

    private static void resumeIfPaused(final ProcessQueue queue)
    {
        final Runnable resume = queue.takeResume();
        if (resume != null)
        {
            resume.run();
        }
    }

    private void onAnswer(final ProcessQueue queue, final int sequence, final PullRequest request,
        final PullResult result, final Throwable error)
    {
        try
        {
            onPulled(queue, sequence, request, result, error);
        }
        catch (final RuntimeException ex)
        {
            LOG.error("handling a pull answer failed, pulling again: group={}, queue={}", group, queue.queue(), ex);
            timers.schedule(() -> pull(queue), ERROR_BACKOFF_MS);
        }
    }

    private void onPulled(final ProcessQueue queue, final int sequence, final PullRequest request,
        final PullResult result, final Throwable error)
    {
        if (!queue.endPull(sequence) || closed || queue.dropped())
        {
            return;
        }
        if (error != null)
        {
            onPullFailed(queue, error);
            return;
        }
        final int failures = queue.resetPullFailures();
        if (failures > 0)
        {
            LOG.info("pulling works again: group={}, queue={}, failures={}", group, queue.queue(), failures);
        }
        switch (result.status())
        {
            case FOUND ->
            {
                final List<ReceivedMessageImpl> added = queue.add(accept(queue.queue(), request, result),
                    Math.max(result.nextOffset(), request.offset()));
                if (!added.isEmpty())
                {
                    consumers.submit(queue, added);
                }
            }
            case NO_NEW_MESSAGES, NO_MATCHED_MESSAGE -> queue.advance(Math.max(result.nextOffset(), request.offset()));
            case OFFSET_TOO_OLD, OFFSET_OVERFLOW ->
            {
                LOG.warn("pull offset out of range, moving on: group={}, queue={}, status={}, offset={}, " +
                    "nextOffset={}, minOffset={}, maxOffset={}", group, queue.queue(), result.status(),
                    request.offset(), result.nextOffset(), result.minOffset(), result.maxOffset());
                queue.advance(result.nextOffset());
            }
        }
        pull(queue);
    }

    private List<ReceivedMessageImpl> accept(final MessageQueue mq, final PullRequest request, final PullResult result)
    {
        final MessageSelector selector = selectors.getOrDefault(mq.topic(), MessageSelector.all());
        final List<MessageView> views = result.messages();
        final List<ReceivedMessageImpl> accepted = new ArrayList<>(views.size());
        for (final MessageView view : views)
        {
            if (view.queueOffset() >= request.offset() && selector.matches(view))
            {
                accepted.add(new ReceivedMessageImpl(view, mq));
            }
        }
        return accepted;
    }

    private void onPullFailed(final ProcessQueue queue, final Throwable error)
    {
        final int failures = queue.countPullFailure();
        if (failures == 1)
        {
            LOG.warn("pull failed, backing off: group={}, queue={}, error={}", group, queue.queue(),
                Futures.unwrap(error).toString());
        }
        else
        {
            LOG.debug("pull failed again: group={}, queue={}, failures={}, error={}", group, queue.queue(), failures,
                Futures.unwrap(error).toString());
        }
        context.invalidateRoute(queue.queue().topic());
        if (Futures.unavailable(error))
        {
            brokerFailed.accept(queue.queue().brokerName());
        }
        timers.schedule(() -> pull(queue), ERROR_BACKOFF_MS);
    }
}
