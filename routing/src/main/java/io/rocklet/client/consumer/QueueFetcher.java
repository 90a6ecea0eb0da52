package io.rocklet.client.consumer;

import io.rocklet.api.MessageQueue;
import io.rocklet.api.MessageSelector;
import io.rocklet.api.MessageView;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.client.internal.ClientContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The long-poll fetch of one queue and what its answer means, for the push consumer ({@link PullScheduler}) and the
 * pull consumer ({@link FetchBuffers}) alike, so that every rule of the fetch path exists once:
 * <ul>
 *   <li>the request: the group, the queue, the offset, the selector, the consumer's long-poll timeout;</li>
 *   <li>the answer: the broker's suggestion (slave reads) taken; FOUND hands over the messages at or after the
 *       fetch's offset that the selector accepts (the broker filters by tag hash and SQL92; the exact check is made
 *       here, and a message filtered out counts as consumed); NO_NEW_MESSAGES / NO_MATCHED_MESSAGE move on to the
 *       broker's next offset; OFFSET_TOO_OLD / OFFSET_OVERFLOW are logged and move on to the broker's next offset;</li>
 *   <li>a failure: logged once per run of failures, the topic's route fetched again in the background, a broker
 *       that did not answer reported, and the owner told to fetch again after {@link #RETRY_MS};</li>
 *   <li>a fetch unanswered for the long-poll timeout plus two request timeouts is given up by
 *       {@link #abandonIfStalled} (its late answer is ignored), so a lost answer cannot stall a queue;</li>
 *   <li>threads: an answer that came at once is handled on the client's scheduler (fetches never recurse), a held
 *       one on the thread that answered it (a broker or transport thread; the owners' work is short and never
 *       blocks, and the wake-up of a long poll saves a thread hand-off);</li>
 *   <li>time: the client's clock ({@link ClientContext#nanoClock()}), so consumer tests run on a manual clock.</li>
 * </ul>
 * Thread-safe: the per-queue state is the target's {@link FetchSlot}; the rest is immutable.
 */
final class QueueFetcher
{
    /** Back-off after a failed fetch. */
    static final long RETRY_MS = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(QueueFetcher.class);

    /**
     * A queue being fetched, as its consumer keeps it.
     */
    interface Target
    {
        MessageQueue queue();

        FetchSlot slot();
    }

    /**
     * What the owner does with the answer of a fetch that still counts.
     *
     * @param <T> the owner's queue type.
     */
    interface Answers<T extends Target>
    {
        /**
         * FOUND: the messages to hand out (possibly none: all filtered out) and where the next fetch starts.
         */
        void found(T target, List<ReceivedMessageImpl> accepted, long nextOffset);

        /**
         * Nothing to hand out; the next fetch starts at {@code nextOffset}.
         */
        void moved(T target, long nextOffset);

        /**
         * The fetch failed (already logged and reported): fetch again after {@link #RETRY_MS}.
         */
        void failed(T target);

        /**
         * Runs the handling of an answer, from the check that it still counts to the call above, as one step
         * against the owner's other uses of the queue (an owner that guards its queues with a lock runs it under
         * that lock, so that no second fetch starts from the old offset in between).
         */
        default void exclusively(final T target, final Runnable handling)
        {
            handling.run();
        }
    }

    private final ClientContext context;
    private final Executor timers;
    private final String group;
    private final long longPollMs;
    private final long stallNanos;
    private final Consumer<String> brokerFailed;

    /**
     * @param timers       the client's scheduler, for answers that came at once.
     * @param longPoll     how long the broker holds a fetch that finds nothing.
     * @param brokerFailed told the name of a broker that did not answer a fetch.
     */
    QueueFetcher(final ClientContext context, final Executor timers, final String group, final Duration longPoll,
        final Consumer<String> brokerFailed)
    {
        this.context = context;
        this.timers = timers;
        this.group = group;
        this.longPollMs = longPoll.toMillis();
        this.stallNanos = longPoll.toNanos() + 2 * context.config().requestTimeout().toNanos();
        this.brokerFailed = brokerFailed;
    }

    /**
     * Sends a fetch of {@code maxMessages} at most from {@code offset} for {@code selector}'s messages; its answer
     * reaches {@code answers} unless the target's slot gave it up meanwhile.
     *
     * @param callOn where the broker is called: at once ({@code Runnable::run}) or on another thread when the caller
     *               holds a lock the broker call must not run under.
     */
    <T extends Target> void fetch(final T target, final long offset, final int maxMessages,
        final MessageSelector selector, final Answers<T> answers, final Executor callOn)
    {
        final MessageQueue mq = target.queue();
        final PullRequest request = new PullRequest(group, mq.topic(), mq.queueId(), offset, maxMessages, selector,
            longPollMs);
        final int sequence = target.slot().begin(context.nanoClock().nanoTime());
        final BiConsumer<PullResult, Throwable> handler = (result, error) ->
            onAnswer(target, sequence, request, selector, result, error, answers);
        callOn.execute(() ->
        {
            final CompletableFuture<PullResult> answer = Futures.call(() -> context.pullBroker(mq).pull(request));
            if (answer.isDone())
            {
                answer.whenCompleteAsync(handler, timers);
            }
            else
            {
                answer.whenComplete(handler);
            }
        });
    }

    /**
     * @return true when the target's fetch in flight is overdue and was given up: the owner fetches again.
     */
    boolean abandonIfStalled(final Target target, final long nowNanos)
    {
        if (target.slot().abandonIfStalled(nowNanos, stallNanos))
        {
            LOG.warn("fetch unanswered, sending it again: group={}, queue={}", group, target.queue());
            return true;
        }
        return false;
    }

    private <T extends Target> void onAnswer(final T target, final int sequence, final PullRequest request,
        final MessageSelector selector, final PullResult result, final Throwable error, final Answers<T> answers)
    {
        if (result != null)
        {
            context.suggestBroker(target.queue(), result.suggestedBrokerId());
        }
        answers.exclusively(target, () -> handle(target, sequence, request, selector, result, error, answers));
    }

    private <T extends Target> void handle(final T target, final int sequence, final PullRequest request,
        final MessageSelector selector, final PullResult result, final Throwable error, final Answers<T> answers)
    {
        if (!target.slot().end(sequence))
        {
            return; // given up or superseded
        }
        try
        {
            if (error != null)
            {
                onFailed(target, error);
                answers.failed(target);
                return;
            }
            final int failures = target.slot().resetFailures();
            if (failures > 0)
            {
                LOG.info("fetching works again: group={}, queue={}, failures={}", group, target.queue(), failures);
            }
            final long next = Math.max(result.nextOffset(), request.offset());
            switch (result.status())
            {
                case FOUND -> answers.found(target, accept(target.queue(), request, selector, result), next);
                case NO_NEW_MESSAGES, NO_MATCHED_MESSAGE -> answers.moved(target, next);
                case OFFSET_TOO_OLD, OFFSET_OVERFLOW ->
                {
                    LOG.warn("fetch offset out of range, moving on: group={}, queue={}, status={}, offset={}, " +
                        "nextOffset={}, minOffset={}, maxOffset={}", group, target.queue(), result.status(),
                        request.offset(), result.nextOffset(), result.minOffset(), result.maxOffset());
                    answers.moved(target, result.nextOffset());
                }
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.error("handling a fetch answer failed, fetching again: group={}, queue={}", group, target.queue(), ex);
            answers.failed(target);
        }
    }

    private static List<ReceivedMessageImpl> accept(final MessageQueue queue, final PullRequest request,
        final MessageSelector selector, final PullResult result)
    {
        final List<MessageView> views = result.messages();
        final List<ReceivedMessageImpl> accepted = new ArrayList<>(views.size());
        for (final MessageView view : views)
        {
            if (view.queueOffset() >= request.offset() && selector.matches(view))
            {
                accepted.add(new ReceivedMessageImpl(view, queue));
            }
        }
        return accepted;
    }

    private void onFailed(final Target target, final Throwable error)
    {
        final int failures = target.slot().countFailure();
        if (failures == 1)
        {
            LOG.warn("fetch failed, backing off: group={}, queue={}, error={}", group, target.queue(),
                Futures.unwrap(error).toString());
        }
        else
        {
            LOG.debug("fetch failed again: group={}, queue={}, failures={}, error={}", group, target.queue(),
                failures, Futures.unwrap(error).toString());
        }
        refreshRoute(target.queue().topic());
        if (Futures.unavailable(error))
        {
            brokerFailed.accept(target.queue().brokerName());
        }
    }

    /**
     * Fetches the topic's route again in the background, so that the next attempt knows the queue's broker (an
     * assigned queue may name a broker no route of this client mentioned yet, or one that moved).
     */
    void refreshRoute(final String topic)
    {
        context.invalidateRoute(topic);
        Futures.call(() -> context.route(topic)).exceptionally(error ->
        {
            LOG.debug("fetching a route failed: group={}, topic={}, error={}", group, topic,
                Futures.unwrap(error).toString());
            return null;
        });
    }
}
