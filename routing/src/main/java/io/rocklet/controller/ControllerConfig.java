package io.rocklet.controller;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.auth.AccessControl;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A failover controller's settings; build with {@link #builder(String)}, which checks every value once. Holds no Raft
 * types, so a router config may carry one while Raft is absent from the class path.
 *
 * @param id                    this controller's id in the Raft group (a key of {@code peers}).
 * @param peers                 every controller of the group, id to Raft {@code host:port} (concrete ports); the
 *                              same map on every controller.
 * @param dataDirectory         Raft's log and snapshots (one directory per controller).
 * @param serviceAddress        the transport address the {@code ControllerService} is served at, or null to serve
 *                              none (the owner serves {@link Controller#service()} itself).
 * @param heartbeatTimeout      a master silent this long is replaced (default 3 s; brokers heartbeat every 1 s).
 * @param checkInterval         how often the leader checks masters' heartbeats (default 500 ms).
 * @param raftElectionTimeout   Raft's minimum election timeout; the maximum is twice it (default 1 s).
 * @param requestTimeout        a replicated decision or a linearizable read fails with NO_QUORUM after this long
 *                              (default 3 s).
 * @param snapshotThreshold     Raft log entries between snapshots (default 10,000).
 * @param allowUncleanElection  when no in-sync replica is alive, elect any live one (may lose acknowledged messages;
 *                              logged as an error; default false: the replica set stays without a master).
 * @param clock                 wall clock of heartbeat times (default the system clock).
 * @param threadingMode         DEDICATED (default: a daemon thread checks) or INVOKER (the caller runs
 *                              {@link Controller#doWork()}).
 * @param accessControl         who may call the served controller service (default {@link AccessControl#OPEN}; with
 *                              an {@code Acl}, cluster members only change state, see
 *                              {@link io.rocklet.api.auth.ControllerOperations}); its agent refreshes the rules.
 */
public record ControllerConfig(String id, Map<String, String> peers, Path dataDirectory, String serviceAddress,
    Duration heartbeatTimeout, Duration checkInterval, Duration raftElectionTimeout, Duration requestTimeout,
    long snapshotThreshold, boolean allowUncleanElection, EpochClock clock, ThreadingMode threadingMode,
    AccessControl accessControl)
{
    /**
     * How the controller runs its heartbeat check.
     */
    public enum ThreadingMode
    {
        /** A daemon thread {@code rocklet-controller-<id>} checks; it sleeps between checks. */
        DEDICATED,
        /** No thread: the caller runs {@link Controller#doWork()} (deterministic tests). */
        INVOKER
    }

    public ControllerConfig
    {
        peers = Collections.unmodifiableMap(new LinkedHashMap<>(peers));
    }

    /**
     * @param id this controller's id; letters, digits, '-' and '_'.
     */
    public static Builder builder(final String id)
    {
        return new Builder(id);
    }

    /**
     * Reads a peer list {@code id=host:port,id=host:port} (the server's {@code --controller-peers}).
     *
     * @throws InvalidArgumentException naming the malformed entry.
     */
    public static Map<String, String> parsePeers(final String list)
    {
        final Map<String, String> peers = new LinkedHashMap<>();
        if (list == null || list.isBlank())
        {
            throw new InvalidArgumentException("illegal controller peers: peers=" + list + ", expected " +
                "id=host:port[,id=host:port]");
        }
        for (final String part : list.split(","))
        {
            final String entry = part.trim();
            final int equals = entry.indexOf('=');
            if (equals <= 0 || peers.put(entry.substring(0, equals).trim(), entry.substring(equals + 1).trim()) != null)
            {
                throw new InvalidArgumentException("illegal controller peer: entry='" + entry + "', expected " +
                    "id=host:port with ids unique");
            }
        }
        return peers;
    }

    /**
     * Collects values; {@link #build()} checks them.
     */
    public static final class Builder
    {
        private final String id;
        private final Map<String, String> peers = new LinkedHashMap<>();
        private Path dataDirectory;
        private String serviceAddress;
        private Duration heartbeatTimeout = Duration.ofSeconds(3);
        private Duration checkInterval = Duration.ofMillis(500);
        private Duration raftElectionTimeout = Duration.ofSeconds(1);
        private Duration requestTimeout = Duration.ofSeconds(3);
        private long snapshotThreshold = 10_000;
        private boolean allowUncleanElection;
        private EpochClock clock = SystemEpochClock.INSTANCE;
        private ThreadingMode threadingMode = ThreadingMode.DEDICATED;
        private AccessControl accessControl = AccessControl.OPEN;

        private Builder(final String id)
        {
            this.id = id;
        }

        /** Adds one controller of the group (this one included). */
        public Builder peer(final String peerId, final String hostPort)
        {
            peers.put(peerId, hostPort);
            return this;
        }

        /** Adds every controller of the group, id to {@code host:port}. */
        public Builder peers(final Map<String, String> all)
        {
            peers.putAll(all);
            return this;
        }

        public Builder dataDirectory(final Path directory)
        {
            this.dataDirectory = directory;
            return this;
        }

        public Builder serviceAddress(final String address)
        {
            this.serviceAddress = address;
            return this;
        }

        public Builder heartbeatTimeout(final Duration timeout)
        {
            this.heartbeatTimeout = timeout;
            return this;
        }

        public Builder checkInterval(final Duration interval)
        {
            this.checkInterval = interval;
            return this;
        }

        public Builder raftElectionTimeout(final Duration timeout)
        {
            this.raftElectionTimeout = timeout;
            return this;
        }

        public Builder requestTimeout(final Duration timeout)
        {
            this.requestTimeout = timeout;
            return this;
        }

        public Builder snapshotThreshold(final long entries)
        {
            this.snapshotThreshold = entries;
            return this;
        }

        public Builder allowUncleanElection(final boolean allow)
        {
            this.allowUncleanElection = allow;
            return this;
        }

        public Builder clock(final EpochClock clock)
        {
            this.clock = clock;
            return this;
        }

        public Builder threadingMode(final ThreadingMode mode)
        {
            this.threadingMode = mode;
            return this;
        }

        /**
         * @param access who may call the served controller service (default {@link AccessControl#OPEN}).
         */
        public Builder accessControl(final AccessControl access)
        {
            this.accessControl = access;
            return this;
        }

        public ControllerConfig build()
        {
            checkId(id, "id");
            if (peers.isEmpty() || !peers.containsKey(id))
            {
                fail("peers", peers, "must list every controller, this one (" + id + ") included");
            }
            peers.forEach((peerId, hostPort) ->
            {
                checkId(peerId, "peers");
                checkHostPort(peerId, hostPort);
            });
            if (dataDirectory == null)
            {
                fail("dataDirectory", null, "must be set");
            }
            if (serviceAddress != null && serviceAddress.isBlank())
            {
                fail("serviceAddress", "''", "null (serve none) or an address");
            }
            positive(heartbeatTimeout, "heartbeatTimeout");
            positive(checkInterval, "checkInterval");
            positive(raftElectionTimeout, "raftElectionTimeout");
            positive(requestTimeout, "requestTimeout");
            if (snapshotThreshold < 1)
            {
                fail("snapshotThreshold", snapshotThreshold, ">= 1");
            }
            if (clock == null || threadingMode == null)
            {
                fail("clock/threadingMode", clock + "/" + threadingMode, "neither may be null");
            }
            if (accessControl == null)
            {
                fail("accessControl", null, "an access control (AccessControl.OPEN for none)");
            }
            return new ControllerConfig(id, peers, dataDirectory, serviceAddress, heartbeatTimeout, checkInterval,
                raftElectionTimeout, requestTimeout, snapshotThreshold, allowUncleanElection, clock, threadingMode,
                accessControl);
        }

        private void checkId(final String value, final String field)
        {
            if (value == null || !value.matches("[A-Za-z0-9_-]{1,64}"))
            {
                fail(field, value, "an id of 1 to 64 letters, digits, '-' or '_'");
            }
        }

        private void checkHostPort(final String peerId, final String hostPort)
        {
            final int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
            int port = -1;
            if (colon > 0)
            {
                try
                {
                    port = Integer.parseInt(hostPort.substring(colon + 1));
                }
                catch (final NumberFormatException e)
                {
                    port = -1;
                }
            }
            if (port < 1 || port > 65535)
            {
                fail("peers." + peerId, hostPort, "host:port with a concrete port (1-65535)");
            }
        }

        private void positive(final Duration value, final String name)
        {
            if (value == null || value.isNegative() || value.isZero())
            {
                fail(name, value, "> 0");
            }
        }

        private void fail(final String field, final Object value, final String allowed)
        {
            throw new InvalidArgumentException("illegal controller config: id=" + id + ", " + field + "=" + value +
                ", allowed: " + allowed);
        }
    }
}
