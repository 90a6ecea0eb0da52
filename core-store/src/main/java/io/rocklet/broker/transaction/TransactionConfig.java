package io.rocklet.broker.transaction;

import io.rocklet.api.InvalidArgumentException;

import java.time.Duration;

/**
 * A broker's transaction check-back settings (RocketMQ's {@code transactionCheckInterval}, {@code
 * transactionTimeOut}, {@code transactionCheckMax}); build with {@link #builder()}.
 *
 * @param checkInterval how often the broker looks for transactions to check (default 30 s).
 * @param timeout       a half message younger than this is not checked (default 6 s); a message's own
 *                      {@link io.rocklet.api.SystemProperties#CHECK_IMMUNITY_TIME_IN_SECONDS} replaces it.
 * @param maxChecks     checks after which a transaction still open is rolled back, logged and listed by the admin
 *                      (default 15).
 */
public record TransactionConfig(Duration checkInterval, Duration timeout, int maxChecks)
{
    /** RocketMQ's defaults: 30 s, 6 s, 15. */
    public static final TransactionConfig DEFAULT = builder().build();

    /**
     * @return a builder with RocketMQ's defaults.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * Collects values; {@link #build()} checks them.
     */
    public static final class Builder
    {
        private Duration checkInterval = Duration.ofSeconds(30);
        private Duration timeout = Duration.ofSeconds(6);
        private int maxChecks = 15;

        private Builder()
        {
        }

        /**
         * @param interval how often the broker looks for transactions to check.
         * @return this builder.
         */
        public Builder checkInterval(final Duration interval)
        {
            this.checkInterval = interval;
            return this;
        }

        /**
         * @param timeout the age of a half message before its first check.
         * @return this builder.
         */
        public Builder timeout(final Duration timeout)
        {
            this.timeout = timeout;
            return this;
        }

        /**
         * @param maxChecks checks before a transaction is rolled back (1 and up).
         * @return this builder.
         */
        public Builder maxChecks(final int maxChecks)
        {
            this.maxChecks = maxChecks;
            return this;
        }

        /**
         * @return the validated settings.
         * @throws InvalidArgumentException naming the value that is wrong.
         */
        public TransactionConfig build()
        {
            positive(checkInterval, "checkInterval");
            positive(timeout, "timeout");
            if (maxChecks < 1)
            {
                throw new InvalidArgumentException("transaction config: illegal maxChecks=" + maxChecks +
                    ", allowed: >= 1");
            }
            return new TransactionConfig(checkInterval, timeout, maxChecks);
        }

        private static void positive(final Duration value, final String name)
        {
            if (value == null || value.isNegative() || value.isZero())
            {
                throw new InvalidArgumentException("transaction config: illegal " + name + "=" + value +
                    ", allowed: > 0");
            }
        }
    }
}
