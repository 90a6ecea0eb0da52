package io.rocklet.broker;

import io.micrometer.core.instrument.MeterRegistry;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Limits;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.auth.AccessControl;
import io.rocklet.api.auth.Credentials;
import io.rocklet.broker.replication.ReplicationConfig;
import io.rocklet.broker.transaction.TransactionConfig;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.ThreadingMode;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Everything a {@link Broker} is configured with. Build it with {@link #builder()}; the builder validates every
 * value once, in {@link Builder#build()}. Defaults are RocketMQ's.
 *
 * @param clusterName            the cluster the broker belongs to (default {@code DefaultCluster}).
 * @param brokerName             the replica set's name (required; {@code [a-zA-Z0-9_.-]}, at most 127 characters).
 * @param brokerId               0 for the master, 1 and up for a slave (with failover controllers: the replica's
 *                               id, 1 and up, whatever its role; otherwise a slave needs
 *                               {@link ReplicationConfig#masterAddress()}).
 * @param address                the transport address the broker is served at, e.g. {@code local://broker-a}
 *                               (required).
 * @param routerAddresses        the routers the broker registers with (default none).
 * @param storeConfig            the message store's configuration (required). The broker installs its own
 *                               arrival listener and its clocks into it.
 * @param dataDirectory          where the broker keeps its files (topics, consumer offsets, delay offsets); default
 *                               {@code <store directory>/broker}, or null for an ephemeral store without a
 *                               directory, in which case the broker picks a temporary directory at start.
 * @param autoCreateTopicEnable  create a topic on the first send to it (default true).
 * @param autoCreateTopicQueues  queues of an auto-created topic (default 4).
 * @param maxBodyBytes           largest message body accepted (default 4 MiB, at most the store's maximum).
 * @param registerInterval       how often the broker re-registers with every router (default 30 s; and at once when
 *                               its topics change).
 * @param clientExpiry           a client silent this long leaves its groups (default 120 s).
 * @param queueLockExpiry        an orderly-consumption queue lock not renewed this long expires (default 60 s).
 * @param longPollMaxHeld        most pulls held waiting for messages at once; more get a retriable BUSY error
 *                               (default 10,000).
 * @param offsetPersistInterval  how often consumer and delay offsets are written to disk (default 5 s; also on
 *                               close).
 * @param delayLevels            the back-off of each delay level, level 1 first (default RocketMQ's 18: 1s 5s 10s 30s
 *                               1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h).
 * @param maxDelay               longest delivery delay a send may ask for, by time ({@code deliverAt},
 *                               {@code deliverAfter}); longer ones are refused with INVALID_ARGUMENT (default 3 days,
 *                               RocketMQ 5's {@code timerMaxDelaySec}).
 * @param clock                  wall clock for store timestamps and delay due times (default: the store's clock;
 *                               the store is given this clock).
 * @param nanoClock              monotonic clock for intervals, expiries and long-poll deadlines (default: the store's
 *                               nano clock; the store is given this clock).
 * @param threadingMode          DEDICATED (default: the broker agent on a thread of its own) or INVOKER (no thread;
 *                               the caller runs {@link Broker#doWork()}).
 * @param accessControl          who may call the broker (default {@link AccessControl#OPEN}: anybody); the broker's
 *                               agent calls its {@link AccessControl#refresh()} (a watched rules file).
 * @param credentials            the broker's own identity (a cluster member) its registrations with routers are signed
 *                               with, or null (default) for routers without access control.
 * @param replication            the broker's part in its replica set (default {@link ReplicationConfig#DEFAULT}: a
 *                               master replicating ASYNC).
 * @param transactions           transaction check-back settings (default {@link TransactionConfig#DEFAULT}: every
 *                               30 s, after 6 s, at most 15 checks).
 * @param meterRegistry          the application's Micrometer {@code MeterRegistry} the broker's meters are registered
 *                               in (see {@code io.rocklet.broker.metrics.MetricNames}), or null (default): no
 *                               metrics, and no Micrometer class is loaded, so the micrometer jar may be absent.
 *                               Typed {@code Object} so that this record never makes the JVM load Micrometer; set it
 *                               with {@link Builder#meterRegistry}.
 */
public record BrokerConfig(
    String clusterName,
    String brokerName,
    long brokerId,
    String address,
    List<String> routerAddresses,
    StoreConfig storeConfig,
    Path dataDirectory,
    boolean autoCreateTopicEnable,
    int autoCreateTopicQueues,
    int maxBodyBytes,
    Duration registerInterval,
    Duration clientExpiry,
    Duration queueLockExpiry,
    int longPollMaxHeld,
    Duration offsetPersistInterval,
    List<Duration> delayLevels,
    Duration maxDelay,
    EpochClock clock,
    NanoClock nanoClock,
    ThreadingMode threadingMode,
    AccessControl accessControl,
    Credentials credentials,
    ReplicationConfig replication,
    TransactionConfig transactions,
    Object meterRegistry)
{
    /** RocketMQ's 18 delay levels. */
    public static final List<Duration> DEFAULT_DELAY_LEVELS = List.of(
        Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(3), Duration.ofMinutes(4),
        Duration.ofMinutes(5), Duration.ofMinutes(6), Duration.ofMinutes(7), Duration.ofMinutes(8),
        Duration.ofMinutes(9), Duration.ofMinutes(10), Duration.ofMinutes(20), Duration.ofMinutes(30),
        Duration.ofHours(1), Duration.ofHours(2));
    /** Most delay levels a broker may have. */
    public static final int MAX_DELAY_LEVELS = 1024;
    /** RocketMQ 5's longest delivery delay. */
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofDays(3);
    /** Name of the broker's directory inside the store directory, by default. */
    public static final String DEFAULT_DATA_DIRECTORY_NAME = "broker";

    private static final Pattern BROKER_NAME = Pattern.compile("[a-zA-Z0-9_.-]{1," + Limits.MAX_TOPIC_LENGTH + "}");

    /**
     * @return a builder with RocketMQ's defaults; brokerName, address and storeConfig are required.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * @return a builder holding this configuration's values.
     */
    public Builder toBuilder()
    {
        final Builder b = new Builder();
        b.clusterName = clusterName;
        b.brokerName = brokerName;
        b.brokerId = brokerId;
        b.address = address;
        b.routerAddresses.addAll(routerAddresses);
        b.storeConfig = storeConfig;
        b.dataDirectory = dataDirectory;
        b.autoCreateTopicEnable = autoCreateTopicEnable;
        b.autoCreateTopicQueues = autoCreateTopicQueues;
        b.maxBodyBytes = maxBodyBytes;
        b.registerInterval = registerInterval;
        b.clientExpiry = clientExpiry;
        b.queueLockExpiry = queueLockExpiry;
        b.longPollMaxHeld = longPollMaxHeld;
        b.offsetPersistInterval = offsetPersistInterval;
        b.delayLevels = delayLevels;
        b.maxDelay = maxDelay;
        b.clock = clock;
        b.nanoClock = nanoClock;
        b.threadingMode = threadingMode;
        b.accessControl = accessControl;
        b.credentials = credentials;
        b.replication = replication;
        b.transactions = transactions;
        b.meterRegistry = meterRegistry;
        return b;
    }

    /**
     * Collects values; {@link #build()} checks them all.
     */
    public static final class Builder
    {
        private String clusterName = "DefaultCluster";
        private String brokerName;
        private long brokerId;
        private String address;
        private final List<String> routerAddresses = new ArrayList<>();
        private StoreConfig storeConfig;
        private Path dataDirectory;
        private boolean autoCreateTopicEnable = true;
        private int autoCreateTopicQueues = TopicConfig.DEFAULT_QUEUES;
        private Integer maxBodyBytes;
        private Duration registerInterval = Duration.ofSeconds(30);
        private Duration clientExpiry = Duration.ofSeconds(120);
        private Duration queueLockExpiry = Duration.ofSeconds(60);
        private int longPollMaxHeld = 10_000;
        private Duration offsetPersistInterval = Duration.ofSeconds(5);
        private List<Duration> delayLevels = DEFAULT_DELAY_LEVELS;
        private Duration maxDelay = DEFAULT_MAX_DELAY;
        private EpochClock clock;
        private NanoClock nanoClock;
        private ThreadingMode threadingMode = ThreadingMode.DEDICATED;
        private AccessControl accessControl = AccessControl.OPEN;
        private Credentials credentials;
        private ReplicationConfig replication = ReplicationConfig.DEFAULT;
        private TransactionConfig transactions = TransactionConfig.DEFAULT;
        private Object meterRegistry;

        private Builder()
        {
        }

        public Builder clusterName(final String name)
        {
            this.clusterName = name;
            return this;
        }

        public Builder brokerName(final String name)
        {
            this.brokerName = name;
            return this;
        }

        public Builder brokerId(final long id)
        {
            this.brokerId = id;
            return this;
        }

        public Builder address(final String address)
        {
            this.address = address;
            return this;
        }

        /** Adds routers to register with. */
        public Builder routers(final String... addresses)
        {
            routerAddresses.addAll(List.of(addresses));
            return this;
        }

        /** Adds routers to register with. */
        public Builder routers(final List<String> addresses)
        {
            routerAddresses.addAll(addresses);
            return this;
        }

        public Builder storeConfig(final StoreConfig config)
        {
            this.storeConfig = config;
            return this;
        }

        public Builder dataDirectory(final Path directory)
        {
            this.dataDirectory = directory;
            return this;
        }

        public Builder autoCreateTopicEnable(final boolean enable)
        {
            this.autoCreateTopicEnable = enable;
            return this;
        }

        public Builder autoCreateTopicQueues(final int queues)
        {
            this.autoCreateTopicQueues = queues;
            return this;
        }

        public Builder maxBodyBytes(final int bytes)
        {
            this.maxBodyBytes = bytes;
            return this;
        }

        public Builder registerInterval(final Duration interval)
        {
            this.registerInterval = interval;
            return this;
        }

        public Builder clientExpiry(final Duration expiry)
        {
            this.clientExpiry = expiry;
            return this;
        }

        public Builder queueLockExpiry(final Duration expiry)
        {
            this.queueLockExpiry = expiry;
            return this;
        }

        public Builder longPollMaxHeld(final int held)
        {
            this.longPollMaxHeld = held;
            return this;
        }

        public Builder offsetPersistInterval(final Duration interval)
        {
            this.offsetPersistInterval = interval;
            return this;
        }

        /** Replaces the delay levels: level 1 is the first. */
        public Builder delayLevels(final List<Duration> levels)
        {
            this.delayLevels = levels;
            return this;
        }

        /** Longest delivery delay by time a send may ask for (default 3 days). */
        public Builder maxDelay(final Duration maxDelay)
        {
            this.maxDelay = maxDelay;
            return this;
        }

        public Builder clock(final EpochClock clock)
        {
            this.clock = clock;
            return this;
        }

        public Builder nanoClock(final NanoClock nanoClock)
        {
            this.nanoClock = nanoClock;
            return this;
        }

        public Builder replication(final ReplicationConfig replication)
        {
            this.replication = replication;
            return this;
        }

        /**
         * @param transactions transaction check-back settings.
         * @return this builder.
         */
        public Builder transactions(final TransactionConfig transactions)
        {
            this.transactions = transactions;
            return this;
        }

        public Builder threadingMode(final ThreadingMode mode)
        {
            this.threadingMode = mode;
            return this;
        }

        public Builder accessControl(final AccessControl accessControl)
        {
            this.accessControl = accessControl;
            return this;
        }

        /**
         * @param credentials the broker's cluster-member identity for its registrations (null: none).
         */
        public Builder credentials(final Credentials credentials)
        {
            this.credentials = credentials;
            return this;
        }

        /**
         * @param registry the registry the broker's meters go to (messages and bytes in and out per topic, consumer
         *                 lag, retries and dead letters, store lag and size; see
         *                 {@code io.rocklet.broker.metrics.MetricNames}), or null for no metrics (the default).
         */
        public Builder meterRegistry(final MeterRegistry registry)
        {
            this.meterRegistry = registry;
            return this;
        }

        /**
         * @return the validated configuration.
         * @throws InvalidArgumentException naming the first value that is wrong.
         */
        public BrokerConfig build()
        {
            check(clusterName != null && BROKER_NAME.matcher(clusterName).matches(), "clusterName", clusterName,
                "[a-zA-Z0-9_.-], 1.." + Limits.MAX_TOPIC_LENGTH + " characters");
            check(brokerName != null && BROKER_NAME.matcher(brokerName).matches(), "brokerName", brokerName,
                "[a-zA-Z0-9_.-], 1.." + Limits.MAX_TOPIC_LENGTH + " characters");
            check(brokerId >= 0, "brokerId", brokerId, "0 for the master, 1 and up for a slave");
            check(replication != null, "replication", null, "a replication configuration");
            if (replication.controlled())
            {
                check(brokerId >= 1, "brokerId", brokerId, "the replica's id, 1 and up, with failover controllers " +
                    "(they decide which replica is the master; it registers as brokerId 0)");
            }
            else
            {
                check(brokerId == 0 || replication.masterAddress() != null, "replication.masterAddress", null,
                    "the master's address for a slave (brokerId=" + brokerId + ")");
            }
            check(address != null && !address.isBlank(), "address", address, "a transport address");
            check(routerAddresses.stream().noneMatch(a -> a == null || a.isBlank()), "routerAddresses",
                routerAddresses, "non-blank addresses");
            check(storeConfig != null, "storeConfig", null, "a store configuration");
            check(autoCreateTopicQueues >= 1 && autoCreateTopicQueues <= TopicConfig.MAX_QUEUES,
                "autoCreateTopicQueues", autoCreateTopicQueues, "1.." + TopicConfig.MAX_QUEUES);
            final int bodyBytes = maxBodyBytes != null ? maxBodyBytes :
                Math.min(Limits.DEFAULT_MAX_BODY_BYTES, storeConfig.maxBodyBytes());
            check(bodyBytes >= 0 && bodyBytes <= storeConfig.maxBodyBytes(), "maxBodyBytes", bodyBytes,
                "0.." + storeConfig.maxBodyBytes() + " (the store's maxBodyBytes)");
            checkPositive(registerInterval, "registerInterval");
            checkPositive(clientExpiry, "clientExpiry");
            checkPositive(queueLockExpiry, "queueLockExpiry");
            check(longPollMaxHeld >= 1, "longPollMaxHeld", longPollMaxHeld, ">= 1");
            checkPositive(offsetPersistInterval, "offsetPersistInterval");
            check(delayLevels != null && !delayLevels.isEmpty() && delayLevels.size() <= MAX_DELAY_LEVELS,
                "delayLevels", delayLevels, "1.." + MAX_DELAY_LEVELS + " levels");
            for (final Duration level : delayLevels)
            {
                check(level != null && !level.isNegative() && !level.isZero(), "delayLevels", delayLevels,
                    "every level > 0");
            }
            checkPositive(maxDelay, "maxDelay");
            check(threadingMode == ThreadingMode.DEDICATED || threadingMode == ThreadingMode.INVOKER, "threadingMode",
                threadingMode, "DEDICATED or INVOKER");
            check(transactions != null, "transactions", null, "transaction settings (TransactionConfig.DEFAULT)");
            check(accessControl != null, "accessControl", null, "an access control (AccessControl.OPEN for none)");
            final Path data = dataDirectory != null ? dataDirectory :
                storeConfig.directory() != null ? storeConfig.directory().resolve(DEFAULT_DATA_DIRECTORY_NAME) : null;
            return new BrokerConfig(clusterName, brokerName, brokerId, address, List.copyOf(routerAddresses),
                storeConfig, data, autoCreateTopicEnable, autoCreateTopicQueues, bodyBytes, registerInterval,
                clientExpiry, queueLockExpiry, longPollMaxHeld, offsetPersistInterval, List.copyOf(delayLevels),
                maxDelay, clock != null ? clock : storeConfig.clock(),
                nanoClock != null ? nanoClock : storeConfig.nanoClock(),
                threadingMode, accessControl, credentials, replication, transactions, meterRegistry);
        }

        private static void check(final boolean ok, final String name, final Object value, final String allowed)
        {
            if (!ok)
            {
                throw new InvalidArgumentException("broker config: illegal " + name + "=" + value + ", allowed: " +
                    allowed);
            }
        }

        private static void checkPositive(final Duration duration, final String name)
        {
            check(duration != null && !duration.isNegative() && !duration.isZero(), name, duration, "> 0");
        }
    }
}
