package io.rocklet.benchmarks.scenario;

import java.util.Locale;

/**
 * How hard and how long the client scenarios ({@link SendScenario}, {@link EndToEndScenario},
 * {@link CatchUpScenario}) run, whichever transport they measure. Each suite starts from its own defaults
 * ({@link Builder}) and lets its command line change them with the options below ({@link Builder#option}).
 *
 * <pre>
 * --send-warmup-ms N      warm-up of each send figure
 * --send-measure-ms N     measurement of each send figure
 * --async-outstanding N   most sendAsync futures not yet completed (also the window of the catch-up backlog's fill)
 * --batch-size N          messages per Producer.send(List) in the batch figure
 * --batch-threads N       threads sending batches in the batch figure
 * --e2e-rate N            messages per second of the end-to-end sender
 * --e2e-warmup-s N        seconds sent at that rate before the measurement
 * --e2e-seconds N         seconds measured
 * --e2e-pacing MODE       spin (the sender busy-waits for each send time) or park (it sleeps until the next
 *                         send time, then sends every message that is due)
 * --e2e-send MODE         sync (the sender calls Producer.send: each send waits for the previous one's answer) or
 *                         async (Producer.sendAsync, at most --async-outstanding in flight)
 * --catchup-messages N    backlog read by the catch-up consumer
 * </pre>
 *
 * @param sendWarmupMs     send warm-up.
 * @param sendMeasureMs    send measurement.
 * @param asyncOutstanding most sendAsync futures in flight.
 * @param batchSize        messages per batch send.
 * @param batchThreads     threads sending batches.
 * @param e2eRate          end-to-end sender rate, msgs/s.
 * @param e2eWarmupSeconds end-to-end warm-up.
 * @param e2eSeconds       end-to-end measurement.
 * @param e2ePacing        how the sender waits for each send time.
 * @param e2eSend          how the sender sends.
 * @param catchUpMessages  catch-up backlog.
 */
public record LoadSettings(
    long sendWarmupMs,
    long sendMeasureMs,
    int asyncOutstanding,
    int batchSize,
    int batchThreads,
    int e2eRate,
    int e2eWarmupSeconds,
    int e2eSeconds,
    Pacing e2ePacing,
    SendMode e2eSend,
    int catchUpMessages)
{
    /** The options {@link Builder#option} knows. */
    public static final String OPTIONS = "--send-warmup-ms, --send-measure-ms, --async-outstanding, --batch-size, " +
        "--batch-threads, --e2e-rate, --e2e-warmup-s, --e2e-seconds, --e2e-pacing, --e2e-send, --catchup-messages";

    /** How the end-to-end sender waits for the intended send time of its next message. */
    public enum Pacing
    {
        /** Busy-waits (Thread.onSpinWait): sends on time, takes a core. */
        SPIN,
        /** Parks until the next send time, then sends every message due; wake-up lateness shows in the latency. */
        PARK
    }

    /** How the end-to-end sender sends. */
    public enum SendMode
    {
        /** {@code Producer.send}: the next send waits for this one's answer, so a slow answer delays the schedule. */
        SYNC,
        /** {@code Producer.sendAsync} with a bounded window: sends leave on schedule whatever the answers do. */
        ASYNC
    }

    /**
     * @return a builder holding the full run's defaults (a suite changes those that differ for it).
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * Collects values; {@link #build()} checks them. Defaults: 2 s + 3 s per send figure, 4,096 async sends
     * outstanding, batches of 32 from 4 threads, 100,000 msgs/s end to end for 20 s after 5 s, SPIN pacing, SYNC
     * sends, a backlog of 1,000,000.
     */
    public static final class Builder
    {
        private long sendWarmupMs = 2_000;
        private long sendMeasureMs = 3_000;
        private int asyncOutstanding = 4_096;
        private int batchSize = 32;
        private int batchThreads = 4;
        private int e2eRate = 100_000;
        private int e2eWarmupSeconds = 5;
        private int e2eSeconds = 20;
        private Pacing e2ePacing = Pacing.SPIN;
        private SendMode e2eSend = SendMode.SYNC;
        private int catchUpMessages = 1_000_000;

        private Builder()
        {
        }

        public Builder asyncOutstanding(final int outstanding)
        {
            this.asyncOutstanding = outstanding;
            return this;
        }

        public Builder e2eRate(final int rate)
        {
            this.e2eRate = rate;
            return this;
        }

        public Builder e2ePacing(final Pacing pacing)
        {
            this.e2ePacing = pacing;
            return this;
        }

        public Builder e2eSend(final SendMode mode)
        {
            this.e2eSend = mode;
            return this;
        }

        /**
         * Switches every duration and count to a short harness check (figures not meaningful): 0.3 s + 0.7 s per
         * send figure, 1 s + 3 s end to end, a backlog of 200,000. Options applied afterwards still change them.
         */
        public Builder quick()
        {
            sendWarmupMs = 300;
            sendMeasureMs = 700;
            e2eWarmupSeconds = 1;
            e2eSeconds = 3;
            catchUpMessages = 200_000;
            return this;
        }

        /**
         * Applies one command-line option, if it is one of {@link #OPTIONS}.
         *
         * @return false when the option is not one of these (the suite's own, or unknown).
         * @throws IllegalArgumentException for a malformed or out-of-range value.
         */
        public boolean option(final String option, final String value)
        {
            switch (option)
            {
                case "--send-warmup-ms" -> sendWarmupMs = Options.atLeast(option, Long.parseLong(value), 0);
                case "--send-measure-ms" -> sendMeasureMs = Options.atLeast(option, Long.parseLong(value), 1);
                case "--async-outstanding" -> asyncOutstanding = Options.intAtLeast(option, value, 1);
                case "--batch-size" -> batchSize = Options.intAtLeast(option, value, 1);
                case "--batch-threads" -> batchThreads = Options.intAtLeast(option, value, 1);
                case "--e2e-rate" -> e2eRate = Options.intAtLeast(option, value, 1);
                case "--e2e-warmup-s" -> e2eWarmupSeconds = Options.intAtLeast(option, value, 0);
                case "--e2e-seconds" -> e2eSeconds = Options.intAtLeast(option, value, 1);
                case "--e2e-pacing" -> e2ePacing = Pacing.valueOf(value.toUpperCase(Locale.ROOT));
                case "--e2e-send" -> e2eSend = SendMode.valueOf(value.toUpperCase(Locale.ROOT));
                case "--catchup-messages" -> catchUpMessages = Options.intAtLeast(option, value, 1);
                default ->
                {
                    return false;
                }
            }
            return true;
        }

        /**
         * @throws IllegalArgumentException when the end-to-end run would not fit its sample arrays.
         */
        public LoadSettings build()
        {
            if ((long) e2eRate * (e2eWarmupSeconds + e2eSeconds) > Integer.MAX_VALUE / 2)
            {
                throw new IllegalArgumentException("end-to-end run too large: rate=" + e2eRate + ", seconds=" +
                    (e2eWarmupSeconds + e2eSeconds));
            }
            return new LoadSettings(sendWarmupMs, sendMeasureMs, asyncOutstanding, batchSize, batchThreads, e2eRate,
                e2eWarmupSeconds, e2eSeconds, e2ePacing, e2eSend, catchUpMessages);
        }
    }
}
