package io.rocklet.server;

import io.rocklet.broker.replication.ReplicationConfig;
import io.rocklet.broker.transaction.TransactionConfig;
import io.rocklet.store.FlushMode;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a standalone server runs, read from its command line and optional config file by {@link ServerOptions}.
 *
 * @param role           router, broker or controller.
 * @param host           the interface to bind, and the host in the address the broker registers (default
 *                       {@code 127.0.0.1}).
 * @param port           the port to bind; 0 picks a free one (default 9876 for a router, 10911 for a broker).
 * @param tls            how connections are secured.
 * @param brokerName     broker: its replica set's name.
 * @param brokerId       broker: 0 for the master.
 * @param clusterName    broker: its cluster (default {@code DefaultCluster}).
 * @param routers        broker: the routers it registers with, as {@code host:port}.
 * @param dataDirectory  broker: where its store and files live; controller: where its Raft state lives.
 * @param flushMode      broker: SYNC or ASYNC (default ASYNC).
 * @param autoCreateTopics broker: create a topic on its first send (default true).
 * @param segmentSizeBytes broker: the size of a commit-log file (default 1 GiB, the largest).
 * @param brokerExpiry   router: a broker silent this long is evicted (default 120 s).
 * @param delayLevels    broker: the back-off of each delay level, level 1 first; empty for the default (RocketMQ's
 *                       18 levels).
 * @param offsetFlushInterval broker: how often committed consumer offsets are written to disk; null for the broker's
 *                       default (5 s).
 * @param connections    both: how the server holds connections.
 * @param storeOptions   broker: retention, disk pressure, key-index size and damage handling.
 * @param maxDelay       broker: the longest delivery delay by time a send may ask for; null for the default (3 days).
 * @param controller     controller: its Raft id, peers and failover settings; null for the other roles (a
 *                       controller keeps its Raft log and snapshots under {@code dataDirectory}).
 * @param replication    broker: its part in its replica set ({@code --replication}, {@code --master},
 *                       {@code --controllers}); null for the other roles.
 * @param transactions   broker: transaction check-backs ({@code --transaction-check-interval},
 *                       {@code --transaction-timeout}, {@code --transaction-max-checks}); null for the other roles.
 * @param auth           access control: the rules file and a broker's member user, or none ({@code --no-auth}).
 * @param metrics        all roles: the Prometheus endpoint ({@code --metrics-port}) and the OTLP push
 *                       ({@code --otlp-endpoint}).
 */
public record ServerSettings(Role role, String host, int port, TlsFiles tls, String brokerName, long brokerId,
    String clusterName, List<String> routers, Path dataDirectory, FlushMode flushMode, boolean autoCreateTopics,
    int segmentSizeBytes, Duration brokerExpiry, List<Duration> delayLevels, Duration offsetFlushInterval,
    Connections connections, StoreOptions storeOptions, Duration maxDelay, ControllerOptions controller,
    AuthFiles auth, ReplicationConfig replication, TransactionConfig transactions, MetricsOptions metrics)
{
    /**
     * Where the server's metrics go: a Prometheus scrape endpoint, an OTLP push, both or neither.
     *
     * @param port the Prometheus scrape endpoint's port ({@code /metrics}; 0: a free one), or -1 for none.
     * @param otlp the OTLP push ({@code --otlp-endpoint}), or null for none.
     */
    public record MetricsOptions(int port, Otlp otlp)
    {
        /**
         * @param port the Prometheus scrape endpoint's port, or -1 for none; no OTLP push.
         */
        public MetricsOptions(final int port)
        {
            this(port, null);
        }

        /**
         * @return whether metrics are exported (without: no registry, no Micrometer class loaded).
         */
        public boolean enabled()
        {
            return prometheus() || otlp != null;
        }

        /**
         * @return whether the Prometheus scrape endpoint is served.
         */
        public boolean prometheus()
        {
            return port >= 0;
        }
    }

    /**
     * The OTLP metrics push ({@code --otlp-endpoint}, {@code --otlp-step}, {@code --otlp-header}).
     *
     * @param endpoint the collector's OTLP/HTTP metrics URL, e.g. {@code http://127.0.0.1:4318/v1/metrics}.
     * @param step     how often the meters are pushed (default 60 s).
     * @param headers  HTTP headers sent with each push (e.g. {@code authorization}); their values are secrets:
     *                 {@link #toString()} names the headers only.
     */
    public record Otlp(URI endpoint, Duration step, Map<String, String> headers)
    {
        /** Micrometer's and RocketMQ's export interval. */
        public static final Duration DEFAULT_STEP = Duration.ofSeconds(60);

        public Otlp
        {
            headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        }

        @Override
        public String toString()
        {
            return "Otlp[endpoint=" + endpoint + ", step=" + step + ", headers=" + headers.keySet() + "]";
        }
    }

    /**
     * A controller's options ({@code --controller-id}, {@code --controller-peers}, {@code --heartbeat-timeout},
     * {@code --allow-unclean-election}).
     *
     * @param id                   its id in the Raft group.
     * @param peers                every controller, id to Raft {@code host:port}.
     * @param heartbeatTimeout     a master silent this long is replaced (default 3 s).
     * @param allowUncleanElection elect a replica outside the sync state set when no in-sync one is alive.
     */
    public record ControllerOptions(String id, Map<String, String> peers, Duration heartbeatTimeout,
        boolean allowUncleanElection)
    {
        public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(3);

        public ControllerOptions
        {
            peers = Collections.unmodifiableMap(new LinkedHashMap<>(peers));
        }
    }

    /**
     * Access control ({@code --auth FILE [--member KEY]} or {@code --no-auth}).
     *
     * @param rulesFile the users and policies ({@code io.rocklet.auth.AclFile}), or null for none.
     * @param member    a broker's cluster-member user in that file (its secret signs the broker's registrations),
     *                  or null.
     */
    public record AuthFiles(Path rulesFile, String member)
    {
        /**
         * @return no access control.
         */
        public static AuthFiles none()
        {
            return new AuthFiles(null, null);
        }

        public boolean enabled()
        {
            return rulesFile != null;
        }
    }

    /**
     * How the server holds connections ({@code --idle-timeout}, {@code --max-connections}).
     *
     * @param idleTimeout    a connection with no call in progress this long is closed (default 120 s).
     * @param maxConnections connections accepted beyond this many are closed at once (default 10,000).
     */
    public record Connections(Duration idleTimeout, int maxConnections)
    {
        public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(120);
        public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    }

    /** Which server to run. */
    public enum Role
    {
        ROUTER,
        BROKER,
        /** A failover controller (one of a Raft group of, usually, three). */
        CONTROLLER
    }

    /**
     * TLS material as PEM files, or plaintext.
     *
     * @param plaintext       no TLS (chosen explicitly with {@code --plaintext}).
     * @param certificateChain the server's certificate chain (and the client's, for outgoing calls to peers that ask
     *                        for one).
     * @param privateKey      its private key (PKCS#8).
     * @param trustedCa       the CA certificates that peers' certificates are checked against (default: the JDK's
     *                        trusted roots).
     * @param requireClientAuth the server accepts only clients with a certificate signed by {@code trustedCa}
     *                        (mutual TLS).
     */
    public record TlsFiles(boolean plaintext, Path certificateChain, Path privateKey, Path trustedCa,
        boolean requireClientAuth)
    {
        /**
         * @return plaintext connections.
         */
        public static TlsFiles none()
        {
            return new TlsFiles(true, null, null, null, false);
        }
    }

    public ServerSettings
    {
        routers = routers == null ? List.of() : List.copyOf(routers);
        delayLevels = delayLevels == null ? List.of() : List.copyOf(delayLevels);
        metrics = metrics == null ? new MetricsOptions(-1) : metrics;
    }

    /**
     * @return {@code router}, {@code broker} or {@code controller}.
     */
    public String roleName()
    {
        return role.name().toLowerCase(Locale.ROOT);
    }

    /**
     * @return the address the server is reached at, e.g. {@code grpc://127.0.0.1:9876}.
     */
    public String address()
    {
        return "grpc://" + host + ':' + port;
    }
}
