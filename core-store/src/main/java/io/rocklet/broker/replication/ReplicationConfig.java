package io.rocklet.broker.replication;

import io.rocklet.api.InvalidArgumentException;

import java.time.Duration;
import java.util.List;

/**
 * How a broker takes part in its replica set. Build with {@link #builder()}; {@link Builder#build()} validates every
 * value. Defaults are RocketMQ 5's.
 *
 * @param mode                   ASYNC (default) or SYNC acknowledgement of sends on a master.
 * @param masterAddress          a slave's master (required for brokerId &gt;= 1, null on a master).
 * @param minInSyncReplicas      replicas, the master counted, that must hold a message before a SYNC send is
 *                               acknowledged (default 1 in ASYNC mode, 2 in SYNC: the master and one slave).
 * @param maxGapNotInSyncBytes   a slave whose acknowledged offset is further behind the master's log end is out of sync
 *                               (default 256 MiB, RocketMQ's {@code haMaxGapNotInSync}).
 * @param maxSilenceNotInSync    a slave that has not fetched for this long is out of sync (default 15 s, RocketMQ's
 *                               {@code haMaxTimeSlaveNotCatchup}).
 * @param syncReplicationTimeout a SYNC send not acknowledged by enough replicas in this time fails with
 *                               REPLICATION_TIMEOUT (default 5 s, RocketMQ's {@code syncFlushTimeout}).
 * @param allowDegradedSync      SYNC: acknowledge after the master's own write when too few replicas are in sync
 *                               instead of failing with NOT_ENOUGH_REPLICAS (default false).
 * @param fetchMaxBytes          most bytes a slave fetches at once (default 1 MiB).
 * @param fetchMaxWait           how long a master holds a slave's fetch with nothing new (default 1 s).
 * @param metadataSyncInterval   how often a slave copies its master's topics, offsets and delay progress (default 10
 *                               s, RocketMQ's slave sync interval).
 * @param retryBackoff           a slave retries a failed fetch after this (default 1 s).
 * @param slaveReadLagBytes      a pull whose last message is further than this behind the log end is answered with a
 *                               suggestion to read from slave 1 (default 40 % of the machine's physical memory,
 *                               RocketMQ's {@code accessMessageInMemoryMaxRatio}: reads that far back leave the page
 *                               cache).
 * @param controllers            failover controllers (transport addresses) that decide this broker's role; empty (the
 *                               default) for static roles. With controllers the broker starts fenced (no writes) until
 *                               a controller names the master, its {@code brokerId} is its replica id (1 and up, stable
 *                               across role changes) and {@code masterAddress} must be unset.
 * @param controllerHeartbeatInterval how often the broker heartbeats the controllers and learns its role (default 1
 *                               s, RocketMQ's controller-mode heartbeat; failover takes the controllers' heartbeat
 *                               timeout plus about one interval).
 * @param controllerLease        a master under controllers stops taking writes (steps down, NOT_MASTER) when no
 *                               controller answered it for this long (default 2 s). Keep it below the controllers'
 *                               heartbeat timeout (default 3 s), after which they elect another master, by more
 *                               than the broker agent's scheduling delay, so that the old master has stopped before a
 *                               new one is elected; and above one heartbeat interval plus a Raft leader change among
 *                               the controllers, so that the master rides through one. An answer of "no leader / no
 *                               quorum" from a reachable controller renews it (see the core-store README).
 */
public record ReplicationConfig(ReplicationMode mode, String masterAddress, int minInSyncReplicas,
    long maxGapNotInSyncBytes, Duration maxSilenceNotInSync, Duration syncReplicationTimeout, boolean allowDegradedSync,
    int fetchMaxBytes, Duration fetchMaxWait, Duration metadataSyncInterval, Duration retryBackoff,
    long slaveReadLagBytes, List<String> controllers, Duration controllerHeartbeatInterval, Duration controllerLease)
{
    public ReplicationConfig
    {
        controllers = List.copyOf(controllers);
    }

    /**
     * @return true when failover controllers decide the broker's role.
     */
    public boolean controlled()
    {
        return !controllers.isEmpty();
    }

    /** RocketMQ's {@code accessMessageInMemoryMaxRatio}: 40 % of physical memory. */
    public static final double DEFAULT_SLAVE_READ_MEMORY_RATIO = 0.40;

    /** A master's default: ASYNC replication. */
    public static final ReplicationConfig DEFAULT = builder().build();

    public static Builder builder()
    {
        return new Builder();
    }

    public Builder toBuilder()
    {
        final Builder b = new Builder();
        b.mode = mode;
        b.masterAddress = masterAddress;
        b.minInSyncReplicas = minInSyncReplicas;
        b.maxGapNotInSyncBytes = maxGapNotInSyncBytes;
        b.maxSilenceNotInSync = maxSilenceNotInSync;
        b.syncReplicationTimeout = syncReplicationTimeout;
        b.allowDegradedSync = allowDegradedSync;
        b.fetchMaxBytes = fetchMaxBytes;
        b.fetchMaxWait = fetchMaxWait;
        b.metadataSyncInterval = metadataSyncInterval;
        b.retryBackoff = retryBackoff;
        b.slaveReadLagBytes = slaveReadLagBytes;
        b.controllers = controllers;
        b.controllerHeartbeatInterval = controllerHeartbeatInterval;
        b.controllerLease = controllerLease;
        return b;
    }

    /**
     * Collects values; {@link #build()} checks them all.
     */
    public static final class Builder
    {
        private ReplicationMode mode = ReplicationMode.ASYNC;
        private String masterAddress;
        private Integer minInSyncReplicas;
        private long maxGapNotInSyncBytes = 256L * 1024 * 1024;
        private Duration maxSilenceNotInSync = Duration.ofSeconds(15);
        private Duration syncReplicationTimeout = Duration.ofSeconds(5);
        private boolean allowDegradedSync;
        private int fetchMaxBytes = 1024 * 1024;
        private Duration fetchMaxWait = Duration.ofSeconds(1);
        private Duration metadataSyncInterval = Duration.ofSeconds(10);
        private Duration retryBackoff = Duration.ofSeconds(1);
        private Long slaveReadLagBytes;
        private List<String> controllers = List.of();
        private Duration controllerHeartbeatInterval = Duration.ofSeconds(1);
        private Duration controllerLease = Duration.ofSeconds(2);

        /**
         * Failover controllers decide the broker's role (RocketMQ 5 controller mode).
         */
        public Builder controllers(final List<String> addresses)
        {
            this.controllers = addresses == null ? null : List.copyOf(addresses);
            return this;
        }

        public Builder controllerHeartbeatInterval(final Duration interval)
        {
            this.controllerHeartbeatInterval = interval;
            return this;
        }

        /**
         * A master stops taking writes when no failover controller answered it for this long (see
         * {@link ReplicationConfig#controllerLease()}).
         */
        public Builder controllerLease(final Duration lease)
        {
            this.controllerLease = lease;
            return this;
        }

        public Builder mode(final ReplicationMode mode)
        {
            this.mode = mode;
            return this;
        }

        public Builder masterAddress(final String address)
        {
            this.masterAddress = address;
            return this;
        }

        public Builder minInSyncReplicas(final int count)
        {
            this.minInSyncReplicas = count;
            return this;
        }

        public Builder maxGapNotInSyncBytes(final long bytes)
        {
            this.maxGapNotInSyncBytes = bytes;
            return this;
        }

        public Builder maxSilenceNotInSync(final Duration silence)
        {
            this.maxSilenceNotInSync = silence;
            return this;
        }

        public Builder syncReplicationTimeout(final Duration timeout)
        {
            this.syncReplicationTimeout = timeout;
            return this;
        }

        public Builder allowDegradedSync(final boolean allow)
        {
            this.allowDegradedSync = allow;
            return this;
        }

        public Builder fetchMaxBytes(final int bytes)
        {
            this.fetchMaxBytes = bytes;
            return this;
        }

        public Builder fetchMaxWait(final Duration wait)
        {
            this.fetchMaxWait = wait;
            return this;
        }

        public Builder metadataSyncInterval(final Duration interval)
        {
            this.metadataSyncInterval = interval;
            return this;
        }

        public Builder retryBackoff(final Duration backoff)
        {
            this.retryBackoff = backoff;
            return this;
        }

        public Builder slaveReadLagBytes(final long bytes)
        {
            this.slaveReadLagBytes = bytes;
            return this;
        }

        /**
         * @throws InvalidArgumentException naming the first value that is wrong.
         */
        public ReplicationConfig build()
        {
            check(mode != null, "mode", mode, "ASYNC or SYNC");
            final int minInSync = minInSyncReplicas != null ? minInSyncReplicas : mode == ReplicationMode.SYNC ? 2 : 1;
            check(minInSync >= 1, "minInSyncReplicas", minInSync, ">= 1 (the master counts)");
            check(maxGapNotInSyncBytes > 0, "maxGapNotInSyncBytes", maxGapNotInSyncBytes, "> 0");
            checkPositive(maxSilenceNotInSync, "maxSilenceNotInSync");
            checkPositive(syncReplicationTimeout, "syncReplicationTimeout");
            check(fetchMaxBytes >= 1024, "fetchMaxBytes", fetchMaxBytes, ">= 1024");
            checkPositive(fetchMaxWait, "fetchMaxWait");
            checkPositive(metadataSyncInterval, "metadataSyncInterval");
            checkPositive(retryBackoff, "retryBackoff");
            check(masterAddress == null || !masterAddress.isBlank(), "masterAddress", masterAddress,
                "a transport address or none");
            final long lagBytes = slaveReadLagBytes != null ? slaveReadLagBytes :
                (long)(physicalMemoryBytes() * DEFAULT_SLAVE_READ_MEMORY_RATIO);
            check(lagBytes > 0, "slaveReadLagBytes", lagBytes, "> 0");
            check(controllers != null && controllers.stream().noneMatch(a -> a == null || a.isBlank()),
                "controllers", controllers, "transport addresses, or none");
            check(controllers.isEmpty() || masterAddress == null, "masterAddress", masterAddress,
                "none with controllers (they name the master)");
            checkPositive(controllerHeartbeatInterval, "controllerHeartbeatInterval");
            checkPositive(controllerLease, "controllerLease");
            check(controllerLease.compareTo(controllerHeartbeatInterval) > 0, "controllerLease", controllerLease,
                "> controllerHeartbeatInterval=" + controllerHeartbeatInterval);
            return new ReplicationConfig(mode, masterAddress, minInSync, maxGapNotInSyncBytes, maxSilenceNotInSync,
                syncReplicationTimeout, allowDegradedSync, fetchMaxBytes, fetchMaxWait, metadataSyncInterval,
                retryBackoff, lagBytes, controllers, controllerHeartbeatInterval, controllerLease);
        }

        private static long physicalMemoryBytes()
        {
            if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof
                com.sun.management.OperatingSystemMXBean os)
            {
                return os.getTotalMemorySize();
            }
            return Runtime.getRuntime().maxMemory();
        }

        private static void check(final boolean ok, final String name, final Object value, final String allowed)
        {
            if (!ok)
            {
                throw new InvalidArgumentException("replication config: illegal " + name + "=" + value +
                    ", allowed: " + allowed);
            }
        }

        private static void checkPositive(final Duration duration, final String name)
        {
            check(duration != null && !duration.isNegative() && !duration.isZero(), name, duration, "> 0");
        }
    }
}
