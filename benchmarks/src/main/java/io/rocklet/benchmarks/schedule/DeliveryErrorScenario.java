package io.rocklet.benchmarks.schedule;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.benchmarks.scenario.LatencyRecorder;
import io.rocklet.benchmarks.store.Results;
import io.rocklet.embedded.EmbeddedRocklet;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Delivery error of timed messages: a producer sends {@code rate x seconds} messages ahead of time with
 * {@code deliverAt}, due evenly spread ({@code rate} per second, from a start a few seconds after the last send), to a
 * persistent embedded broker (ASYNC flush); a push consumer in the same JVM records, per message, receive time minus
 * due time. Figures: {@code schedule.delivery_error_ms.p50/p99/max}. Wall-clock due times are mapped onto the nano
 * clock once (an error below 0, within the wall clock's millisecond, counts as 0).
 */
final class DeliveryErrorScenario
{
    static final String NAME = "schedule.delivery_error_ms";
    private static final String TOPIC = "schedule-bench";
    private static final int QUEUES = 4;
    private static final int BATCH = 100;
    private static final long LEAD_MS = 3_000;

    private final Path base;
    private final Results results;
    private final int ratePerSecond;
    private final int seconds;

    DeliveryErrorScenario(final Path base, final boolean quick, final Results results)
    {
        this.base = base;
        this.results = results;
        this.ratePerSecond = quick ? 2_000 : 10_000;
        this.seconds = quick ? 3 : 20;
    }

    void run() throws Exception
    {
        final int count = ratePerSecond * seconds;
        final LatencyRecorder errors = new LatencyRecorder(count);
        final Path dir = Files.createTempDirectory(base, "schedule-delivery-");
        final long anchorMs = System.currentTimeMillis();
        final long anchorNs = System.nanoTime();
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.persistent(dir))
        {
            rocklet.createTopic(TOPIC, QUEUES);
            final PushConsumer consumer = rocklet.newPushConsumer(PushConsumerConfig.builder("schedule-bench")
                .subscribe(TOPIC, "*").consumeFrom(ConsumeFrom.FIRST)
                .listener(messages ->
                {
                    final long nowNs = System.nanoTime();
                    for (final ReceivedMessage message : messages)
                    {
                        final long dueMs = ByteBuffer.wrap(message.bodyBytes()).getLong();
                        final long dueNs = anchorNs + TimeUnit.MILLISECONDS.toNanos(dueMs - anchorMs);
                        errors.record(Math.max(0, nowNs - dueNs));
                    }
                    return ConsumeResult.SUCCESS;
                }).build());
            final long sendStartNs = System.nanoTime();
            final long firstDueMs = sendAhead(rocklet, count);
            final double sendSeconds = (System.nanoTime() - sendStartNs) / 1e9;
            results.note("%s: %,d timed messages (%,d due per second for %d s, 4 queues, 1 timer queue) sent " +
                "ahead in %.1f s with deliverAt, first due %d ms after the last send; push consumer in the " +
                "same JVM; persistent store (ASYNC flush)", NAME, count, ratePerSecond, seconds, sendSeconds,
                firstDueMs - System.currentTimeMillis());
            if (!errors.awaitCount(count, TimeUnit.SECONDS.toNanos(seconds + 60)))
            {
                throw new IllegalStateException("timed messages missing: received=" + errors.count() + ", sent=" +
                    count);
            }
            consumer.close();
        }
        errors.freeze();
        results.report(NAME + ".p50", errors.percentile(0.50) / 1e6, "ms");
        results.report(NAME + ".p99", errors.percentile(0.99) / 1e6, "ms");
        results.report(NAME + ".max", errors.max() / 1e6, "ms");
    }

    /**
     * Sends every message, in batches of one queue each, due times spread evenly from a start
     * {@value #LEAD_MS} ms after the estimated end of the sends.
     *
     * @return the first due time.
     */
    private long sendAhead(final EmbeddedRocklet rocklet, final int count)
    {
        final Producer producer = rocklet.newProducer("schedule-bench-producer");
        // an estimate of the send time (about 50,000 msgs/s on 2 cores), so that the first message is due after the
        // last send; a send after its due time is delivered at once (and measured as late)
        final long firstDueMs = System.currentTimeMillis() + LEAD_MS + count / 50;
        final List<Message> batch = new ArrayList<>(BATCH);
        for (int i = 0; i < count; i++)
        {
            final long dueMs = firstDueMs + (long)i * 1_000 / ratePerSecond;
            batch.add(Message.builder(TOPIC).deliverAt(dueMs)
                .body(ByteBuffer.allocate(128).putLong(dueMs).array()).build());
            if (batch.size() == BATCH || i == count - 1)
            {
                producer.send(List.copyOf(batch)); // one queue per batch, round robin
                batch.clear();
            }
        }
        producer.close();
        if (System.currentTimeMillis() > firstDueMs)
        {
            throw new IllegalStateException("sending took longer than the lead: firstDueMs=" + firstDueMs +
                ", nowMs=" + System.currentTimeMillis() + "; the figure would measure send time");
        }
        return firstDueMs;
    }
}
