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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivery error of timed messages: a producer sends {@code rate x seconds} messages ahead of time with
 * {@code deliverAt}, due evenly spread ({@code rate} per second, from a start a few seconds after the last send), to a
 * persistent embedded broker (ASYNC flush); a push consumer in the same JVM records, per message, receive time minus
 * due time. Figures: {@code schedule.delivery_error_ms.p50/p99/max}, and {@code .stored.p99}: store time of the
 * delivered copy minus due time (the timer's part of the error, ms precision). Wall-clock due times are mapped onto the nano
 * clock once (an error below 0, within the wall clock's millisecond, counts as 0).
 */
final class DeliveryErrorScenario
{
    static final String NAME = "schedule.delivery_error_ms";
    private static final String TOPIC = "schedule-bench";
    private static final int QUEUES = 4;
    private static final int BATCH = 100;
    private static final byte MEASURED = 0;
    private static final byte WARM_UP = 1;
    private static final long LEAD_MS = 2_000;
    /**
     * 64 MiB segments (key-index files of 1.4 M entries, 5.6 MB of hash slots): with the default 1 GiB ones a fresh
     * directory's first minute goes to page faults in the 500 MB key-index file (random hash-slot writes), which is
     * the store's cold start, not the timer.
     */
    private static final int SEGMENT_BYTES = 64 << 20;

    private final Path base;
    private final Results results;
    private final int ratePerSecond;
    private final int seconds;
    private volatile long lateSends;
    private final AtomicInteger warmUpReceived = new AtomicInteger();
    private long warmUpDueMs;

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
        final LatencyRecorder timerErrors = new LatencyRecorder(count);
        final Path dir = Files.createTempDirectory(base, "schedule-delivery-");
        final long anchorMs = System.currentTimeMillis();
        final long anchorNs = System.nanoTime();
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.builder().dataDirectory(dir)
            .store(store -> store.segmentSizeBytes(SEGMENT_BYTES)).start())
        {
            rocklet.createTopic(TOPIC, QUEUES);
            final PushConsumer consumer = rocklet.newPushConsumer(PushConsumerConfig.builder("schedule-bench")
                .subscribe(TOPIC, "*").consumeFrom(ConsumeFrom.FIRST)
                .listener(messages ->
                {
                    final long nowNs = System.nanoTime();
                    for (final ReceivedMessage message : messages)
                    {
                        final ByteBuffer body = ByteBuffer.wrap(message.bodyBytes());
                        final long dueMs = body.getLong();
                        if (body.get() == WARM_UP)
                        {
                            warmUpReceived.incrementAndGet();
                            continue;
                        }
                        final long dueNs = anchorNs + TimeUnit.MILLISECONDS.toNanos(dueMs - anchorMs);
                        errors.record(Math.max(0, nowNs - dueNs));
                        timerErrors.record(TimeUnit.MILLISECONDS.toNanos(Math.max(0,
                            message.storeTimestampMs() - dueMs)));
                    }
                    return ConsumeResult.SUCCESS;
                }).build());
            // warm-up, not measured: sends (their rate on this machine now sets the lead), then deliveries and
            // consumption of the same messages, all due a second after the last send
            final long warmUpStartNs = System.nanoTime();
            sendAhead(rocklet, count / 10, Long.MAX_VALUE, WARM_UP).join();
            final double sendRate = count / 10 / ((System.nanoTime() - warmUpStartNs) / 1e9);
            final long warmUpDeadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (warmUpReceived.get() < count / 10 && System.nanoTime() - warmUpDeadlineNs < 0)
            {
                Thread.sleep(10);
            }
            final long leadMs = LEAD_MS + (long)(1_500 * count / sendRate);
            final long sendStartNs = System.nanoTime();
            final Thread sender = sendAhead(rocklet, count, System.currentTimeMillis() + leadMs, MEASURED);
            sender.join(TimeUnit.SECONDS.toMillis(seconds + 120));
            final double sendSeconds = (System.nanoTime() - sendStartNs) / 1e9;
            final long lastDueMs = dueMs(System.currentTimeMillis() - (System.nanoTime() - sendStartNs) / 1_000_000 +
                leadMs, count - 1);
            final long waitMs = Math.max(0, lastDueMs - System.currentTimeMillis()) + 60_000;
            if (!errors.awaitCount(count, TimeUnit.MILLISECONDS.toNanos(waitMs)))
            {
                throw new IllegalStateException("timed messages missing a minute after the last was due: received=" +
                    errors.count() + ", sent=" + count + ", lateSends=" + lateSends + ", leadMs=" + leadMs +
                    ", pending=" + rocklet.broker().status().get(10, TimeUnit.SECONDS).timedPending());
            }
            consumer.close();
            results.note("%s: %,d timed messages (%,d due per second for %d s from %d ms after the first send: " +
                "1.5 x the send time at the rate a warm-up of %,d sends, delivered and consumed before, measured, %,.0f msgs/s, + %d ms), 4 queues, " +
                "sent ahead with deliverAt by one thread in batches of %d, in %.1f s (%,d sent after their due " +
                "time); push consumer in the same JVM; persistent store (ASYNC flush, 64 MiB segments)", NAME, count, ratePerSecond,
                seconds, leadMs, count / 10, sendRate, LEAD_MS, BATCH, sendSeconds, lateSends);
        }
        errors.freeze();
        results.report(NAME + ".p50", errors.percentile(0.50) / 1e6, "ms");
        results.report(NAME + ".p99", errors.percentile(0.99) / 1e6, "ms");
        results.report(NAME + ".max", errors.max() / 1e6, "ms");
        timerErrors.freeze();
        results.report(NAME + ".stored.p99", timerErrors.percentile(0.99) / 1e6, "ms");
    }

    /**
     * Sends {@code count} messages in due order, as fast as the producer goes, in batches of {@value #BATCH} (one
     * queue each), on a thread of its own, the first due at {@code firstDueMs} (a message sent after its due time is
     * delivered at once, counted in {@link #lateSends} and measured as late).
     *
     * @return the sender thread, started.
     */
    private Thread sendAhead(final EmbeddedRocklet rocklet, final int count, final long firstDueMs, final byte kind)
    {
        final Thread sender = new Thread(() ->
        {
            try (Producer producer = rocklet.newProducer("schedule-bench-producer"))
            {
                final List<Message> batch = new ArrayList<>(BATCH);
                for (int i = 0; i < count; i++)
                {
                    // the warm-up's messages are all due a second after its sends (estimated at 5,000 msgs/s)
                    final long dueMs = kind == WARM_UP ? warmUpDueMs(count) : dueMs(firstDueMs, i);
                    batch.add(Message.builder(TOPIC).deliverAt(dueMs)
                        .body(ByteBuffer.allocate(128).putLong(dueMs).put(kind).array()).build());
                    if (batch.size() == BATCH || i == count - 1)
                    {
                        producer.send(List.copyOf(batch)); // one queue per batch, round robin
                        if (kind == MEASURED && System.currentTimeMillis() > dueMs(firstDueMs, i - batch.size() + 1))
                        {
                            lateSends += batch.size();
                        }
                        batch.clear();
                    }
                }
            }
        }, "schedule-bench-sender");
        sender.start();
        return sender;
    }

    private long warmUpDueMs(final int count)
    {
        if (warmUpDueMs == 0)
        {
            warmUpDueMs = System.currentTimeMillis() + count / 5 + 1_000;
        }
        return warmUpDueMs;
    }

    private long dueMs(final long firstDueMs, final int i)
    {
        return firstDueMs + (long)i * 1_000 / ratePerSecond;
    }
}
