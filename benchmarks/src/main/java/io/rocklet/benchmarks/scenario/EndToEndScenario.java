package io.rocklet.benchmarks.scenario;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.RockletException;
import io.rocklet.benchmarks.store.Results;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * End-to-end latency at a fixed rate: one thread sends 128-byte messages with {@link Producer#send} (or
 * {@link Producer#sendAsync} with at most {@link LoadSettings#asyncOutstanding()} in flight, see
 * {@link LoadSettings#e2eSend()}) on a fixed schedule ({@link LoadSettings#e2eRate()} msgs/s), each stamped with
 * the <em>intended</em> send time ({@code start + n / rate}, {@code System.nanoTime}); a push consumer (the product's defaults: 4 listener
 * threads, batches of 1, started at LAST before the first send) takes {@code System.nanoTime} when its
 * listener is called and records the difference. Measuring from the intended time, not from when the send
 * happened, keeps a sender that falls behind (a GC pause, a slow send) from hiding the delay it caused
 * (no coordinated omission). The first {@link LoadSettings#e2eWarmupSeconds()} seconds are not recorded;
 * every message must arrive (checked by sequence number). Latencies go into a preallocated array and are
 * sorted once: exact percentiles. A second stamp, the time the sender actually called {@code send}, gives
 * the latency without the sender's lateness (a note, to tell the broker's delays from the sender's).
 * With no warm-up the figures count from the first second of sending, and {@code .first_second.p99} and a timeline
 * note (p99 and max of each of the first {@value #TIMELINE_SECONDS} seconds) show a start-up backlog; sends that
 * failed BUSY are counted ({@code .busy_errors}) before a failed send fails the figure.
 */
public final class EndToEndScenario
{
    private static final long DRAIN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final int TIMELINE_SECONDS = 10;

    private final BenchTarget target;
    private final LoadSettings settings;
    private final Results results;
    private final String name;

    public EndToEndScenario(final BenchTarget target, final LoadSettings settings, final Results results)
    {
        this.target = target;
        this.settings = settings;
        this.results = results;
        this.name = target.name() + ".e2e.128b";
    }

    /**
     * @return the figures' common name, {@code <target>.e2e.128b}.
     */
    public String name()
    {
        return name;
    }

    /**
     * {@code <target>.e2e.128b.p50}, {@code .p99}, {@code .p999}, {@code .max}.
     */
    public void run() throws InterruptedException
    {
        final int rate = settings.e2eRate();
        final long warmup = (long) rate * settings.e2eWarmupSeconds();
        final long total = warmup + (long) rate * settings.e2eSeconds();
        final int measured = (int) (total - warmup);
        final LatencyRecorder latencies = new LatencyRecorder(measured);
        final LatencyRecorder fromSend = new LatencyRecorder(measured);
        final ReceivedSet received = new ReceivedSet(total);
        final long[] bySequence = new long[(int) total]; // written before the sample is counted: read after the drain
        try (BenchSession session = target.open(name))
        {
            final PushConsumer consumer = session.client().newPushConsumer(session.consumer("bench-e2e")
                .consumeFrom(ConsumeFrom.LAST).listener(messages ->
                {
                    final long now = System.nanoTime();
                    for (final ReceivedMessage message : messages)
                    {
                        final long sequence = Bodies.sequence(message);
                        if (received.markFirst(sequence) && sequence >= warmup)
                        {
                            bySequence[(int) sequence] = now - Bodies.stampNs(message);
                            latencies.record(now - Bodies.stampNs(message));
                            fromSend.record(now - Bodies.secondStampNs(message));
                        }
                    }
                    return ConsumeResult.SUCCESS;
                }).build());
            session.checkAssignment(consumer);
            final Producer producer = session.newProducer("bench-e2e");
            results.note("%s: %d msgs/s for %d s after a %d s warm-up, %s from one thread paced by %s; " +
                    "push consumer with the defaults (4 listener threads, batch 1), assignment %d queues; %s", name,
                rate, settings.e2eSeconds(), settings.e2eWarmupSeconds(), settings.e2eSend() ==
                    LoadSettings.SendMode.SYNC ? "Producer.send" : "Producer.sendAsync (at most " +
                    settings.asyncOutstanding() + " in flight)", settings.e2ePacing(), consumer.assignment().size(),
                session.describe());

            final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            final long cpuStart = threads.getCurrentThreadCpuTime();
            final Sends sends = new Sends(producer, settings);
            final Schedule schedule = send(sends, session.topic(), warmup, total);
            results.report(name + ".busy_errors", sends.busy.get(), "count");
            sends.checkNoneFailed();
            final long senderCpuNs = threads.getCurrentThreadCpuTime() - cpuStart;
            final long drainStart = System.nanoTime();
            if (!received.awaitDistinct(total, DRAIN_TIMEOUT_NS) || !latencies.awaitCount(measured, DRAIN_TIMEOUT_NS) ||
                !fromSend.awaitCount(measured, DRAIN_TIMEOUT_NS))
            {
                throw new IllegalStateException("messages did not all arrive: sent=" + total + ", received=" +
                    received.distinct() + ", recorded=" + latencies.count() + ", expected=" + measured);
            }
            final long drainNs = System.nanoTime() - drainStart;
            latencies.freeze();
            fromSend.freeze();
            results.report(name + ".p50", micros(latencies.percentile(0.50)), "us");
            results.report(name + ".p99", micros(latencies.percentile(0.99)), "us");
            results.report(name + ".p999", micros(latencies.percentile(0.999)), "us");
            results.report(name + ".max", micros(latencies.max()), "us");
            results.note("%s: %d samples, mean %.1f us, p90 %.1f us, p99.99 %.1f us; over 50 us: %d, over 1 ms: %d; " +
                    "duplicates %d; last message arrived %.1f ms after the last send", name, latencies.count(),
                latencies.mean() / 1e3, micros(latencies.percentile(0.90)), micros(latencies.percentile(0.9999)),
                latencies.countAbove(50_000), latencies.countAbove(1_000_000), received.duplicates(), drainNs / 1e6);
            timeline(bySequence, (int) warmup, rate);
            results.note("%s: from the actual call to send (sender lateness excluded): p50 %.1f us, p99 %.1f us, " +
                    "p99.9 %.1f us, max %.1f us", name, micros(fromSend.percentile(0.5)),
                micros(fromSend.percentile(0.99)), micros(fromSend.percentile(0.999)), micros(fromSend.max()));
            results.note("%s: sender achieved %.0f msgs/s; in the measurement it was behind schedule by > 10 us for " +
                    "%d of %d sends, by %.1f us at most; sender thread CPU %.0f %% of its run time", name,
                total * 1e9 / schedule.elapsedNs, schedule.lateSends, measured, schedule.maxLagNs / 1e3,
                100.0 * senderCpuNs / schedule.elapsedNs);
        }
    }

    private record Schedule(long elapsedNs, long maxLagNs, long lateSends)
    {
    }

    /**
     * Sends {@code total} messages, message {@code n} due at {@code start + n * 1e9 / rate}, stamped with that time
     * and with the time of the call to send; how late the sends were is counted from message {@code warmup} on.
     */
    private Schedule send(final Sends sends, final String topic, final long warmup, final long total)
    {
        final int rate = settings.e2eRate();
        final LoadSettings.Pacing pacing = settings.e2ePacing();
        final long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
        long maxLagNs = 0;
        long lateSends = 0;
        for (long sequence = 0; sequence < total; sequence++)
        {
            final long intended = start + sequence * 1_000_000_000L / rate;
            long now = System.nanoTime();
            while (now < intended)
            {
                if (pacing == LoadSettings.Pacing.SPIN)
                {
                    Thread.onSpinWait();
                }
                else
                {
                    LockSupport.parkNanos(intended - now);
                }
                now = System.nanoTime();
            }
            if (sequence >= warmup)
            {
                final long lag = now - intended;
                maxLagNs = Math.max(maxLagNs, lag);
                if (lag > 10_000)
                {
                    lateSends++;
                }
            }
            sends.send(Message.of(topic, Bodies.body(sequence, intended, now)));
        }
        sends.awaitAll();
        return new Schedule(System.nanoTime() - start, maxLagNs, lateSends);
    }

    /**
     * {@code .first_second.p99} (the first measured second) and a note with the p99 and max of each of the first
     * seconds.
     */
    private void timeline(final long[] bySequence, final int from, final int rate)
    {
        final StringBuilder line = new StringBuilder();
        for (int second = 0; second < TIMELINE_SECONDS && from + (second + 1L) * rate <= bySequence.length; second++)
        {
            final long[] slice = Arrays.copyOfRange(bySequence, from + second * rate, from + (second + 1) * rate);
            Arrays.sort(slice);
            final long p99 = slice[(int) Math.min(slice.length - 1, Math.ceil(slice.length * 0.99) - 1)];
            if (second == 0)
            {
                results.report(name + ".first_second.p99", micros(p99), "us");
            }
            line.append(String.format(" s%d=%.0f/%.0f", second + 1, micros(p99), micros(slice[slice.length - 1])));
        }
        results.note("%s: timeline, p99/max in us of each second from the first measured one:%s", name, line);
    }

    /** The sender's sends, sync or async with a bounded window; async failures are counted and fail the figure. */
    private static final class Sends
    {
        private final Producer producer;
        private final boolean async;
        private final int window;
        private final Semaphore permits;
        private final AtomicLong failed = new AtomicLong();
        private final AtomicLong busy = new AtomicLong();

        Sends(final Producer producer, final LoadSettings settings)
        {
            this.producer = producer;
            this.async = settings.e2eSend() == LoadSettings.SendMode.ASYNC;
            this.window = settings.asyncOutstanding();
            this.permits = new Semaphore(window);
        }

        void send(final Message message)
        {
            if (!async)
            {
                try
                {
                    producer.send(message);
                }
                catch (final RockletException e)
                {
                    onFailure(e);
                }
                return;
            }
            permits.acquireUninterruptibly();
            producer.sendAsync(message).whenComplete((receipt, error) ->
            {
                if (error != null)
                {
                    onFailure(error);
                }
                permits.release();
            });
        }

        private void onFailure(final Throwable error)
        {
            failed.incrementAndGet();
            Throwable cause = error;
            while (cause.getCause() != null && !(cause instanceof RockletException))
            {
                cause = cause.getCause();
            }
            if (cause instanceof RockletException rocklet && rocklet.errorCode() == ErrorCode.BUSY)
            {
                busy.incrementAndGet();
            }
        }

        /**
         * Waits for the async sends in flight.
         */
        void awaitAll()
        {
            if (async)
            {
                permits.acquireUninterruptibly(window);
                permits.release(window);
            }
        }

        /**
         * @throws IllegalStateException when a send failed.
         */
        void checkNoneFailed()
        {
            if (failed.get() > 0)
            {
                throw new IllegalStateException("end-to-end sends failed: failed=" + failed.get() + ", busy=" +
                    busy.get());
            }
        }
    }

    private static double micros(final long nanos)
    {
        return nanos / 1e3;
    }
}
