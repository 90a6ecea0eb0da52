package io.rocklet.benchmarks.scenario;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.benchmarks.store.Results;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Catch-up consumption: a backlog of {@link LoadSettings#catchUpMessages()} 128-byte messages (sent with
 * {@code sendAsync}, at most {@link LoadSettings#asyncOutstanding()} in flight, 4 queues, dispatched before the
 * consumer starts), then a new push consumer
 * group with the product's defaults (4 listener threads, listener batches of 1, pulls of 32) starting at
 * FIRST. The figure is the backlog divided by the time from just before {@code newPushConsumer} to the
 * listener call that completed the set (every message checked off once by its sequence number). Then a
 * second group reads the same backlog with listener batches of up to 32 ({@code .batch32}), to show what
 * the per-call cost is. The page cache is warm: the backlog was just written.
 */
public final class CatchUpScenario
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(120);

    private final BenchTarget target;
    private final LoadSettings settings;
    private final Results results;
    private final String name;

    public CatchUpScenario(final BenchTarget target, final LoadSettings settings, final Results results)
    {
        this.target = target;
        this.settings = settings;
        this.results = results;
        this.name = target.name() + ".consume.catchup";
    }

    /**
     * @return the headline figure's name, {@code <target>.consume.catchup}.
     */
    public String name()
    {
        return name;
    }

    /**
     * {@code <target>.consume.catchup}, {@code .batch32}, and their {@code .first_message_ms}.
     */
    public void run() throws InterruptedException
    {
        final int backlog = settings.catchUpMessages();
        try (BenchSession session = target.open(name))
        {
            final Producer producer = session.newProducer("bench-catchup");
            final long writeStart = System.nanoTime();
            fill(producer, session.topic(), backlog, settings.asyncOutstanding());
            final long writeNs = System.nanoTime() - writeStart;
            final long dispatchNs = session.awaitDispatched(backlog, TIMEOUT_NS);
            results.note("%s: backlog of %d messages (%d B bodies, %d queues) sent in %.2f s (%.0f msgs/s), " +
                    "dispatched %.0f ms later; consumers: defaults but FIRST (and consumeBatchSize 32 for " +
                    ".batch32); %s", name, backlog, Bodies.BYTES, BenchSession.QUEUES, writeNs / 1e9,
                backlog * 1e9 / writeNs, dispatchNs / 1e6, session.describe());

            consume(session, name, "bench-catchup", 1, backlog);
            consume(session, name + ".batch32", "bench-catchup-b32", 32, backlog);
        }
    }

    /**
     * Times a new push consumer group reading the whole backlog from FIRST; reports {@code name} (msgs/s) and
     * {@code name.first_message_ms}.
     */
    private void consume(final BenchSession session, final String name, final String group, final int batch,
        final int backlog) throws InterruptedException
    {
        final ReceivedSet received = new ReceivedSet(backlog);
        final AtomicLong firstNs = new AtomicLong();
        final AtomicLong lastNs = new AtomicLong();
        final AtomicLong calls = new AtomicLong();
        final PushConsumerConfig config = session.consumer(group).consumeFrom(ConsumeFrom.FIRST).consumeBatchSize(batch)
            .listener(messages ->
            {
                calls.incrementAndGet();
                if (firstNs.get() == 0)
                {
                    firstNs.compareAndSet(0, System.nanoTime());
                }
                for (final ReceivedMessage message : messages)
                {
                    if (received.mark(Bodies.sequence(message)) == backlog)
                    {
                        lastNs.set(System.nanoTime());
                    }
                }
                return ConsumeResult.SUCCESS;
            }).build();
        final long start = System.nanoTime();
        final PushConsumer consumer = session.client().newPushConsumer(config);
        final long startedNs = System.nanoTime() - start;
        try
        {
            if (!received.awaitDistinct(backlog, TIMEOUT_NS))
            {
                session.checkAssignment(consumer);
                throw new IllegalStateException("backlog not consumed: group=" + group + ", expected=" + backlog +
                    ", received=" + received.distinct() + ", waitedS=" + TimeUnit.NANOSECONDS.toSeconds(TIMEOUT_NS));
            }
            while (lastNs.get() == 0)
            {
                Thread.onSpinWait();
            }
            final long elapsedNs = lastNs.get() - start;
            results.report(name, backlog * 1e9 / elapsedNs, "msgs/s");
            results.report(name + ".first_message_ms", (firstNs.get() - start) / 1e6, "ms");
            results.note("%s: consumer batch %d; consumed in %.1f ms (newPushConsumer returned after %.1f ms); from " +
                    "the first message to the last %.0f msgs/s; %d listener calls, %d duplicates", name, batch,
                elapsedNs / 1e6, startedNs / 1e6, (backlog - 1) * 1e9 / Math.max(1, lastNs.get() - firstNs.get()),
                calls.get(), received.duplicates());
        }
        finally
        {
            consumer.close();
        }
    }

    private static void fill(final Producer producer, final String topic, final int messages, final int window)
    {
        final Semaphore permits = new Semaphore(window);
        final AtomicLong failed = new AtomicLong();
        for (int sequence = 0; sequence < messages; sequence++)
        {
            permits.acquireUninterruptibly();
            producer.sendAsync(Message.of(topic, Bodies.body(sequence, 0))).whenComplete((r, e) ->
            {
                if (e != null)
                {
                    failed.incrementAndGet();
                }
                permits.release();
            });
        }
        permits.acquireUninterruptibly(window);
        if (failed.get() > 0)
        {
            throw new IllegalStateException("backlog sends failed: failed=" + failed.get() + ", of=" + messages);
        }
    }
}
