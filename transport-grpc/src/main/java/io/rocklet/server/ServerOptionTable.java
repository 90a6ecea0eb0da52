package io.rocklet.server;

import io.rocklet.server.ServerSettings.Role;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every option of the standalone server: its name (without dashes; also the config-file key and, upper case, the
 * {@code ROCKLET_} environment variable), the roles that take it and its help text. The one list
 * {@link ServerCommandLine} builds the picocli command from; {@link ServerOptions} and {@link StoreOptions} read the
 * values.
 */
final class ServerOptionTable
{
    /**
     * One option.
     *
     * @param name        without dashes.
     * @param label       the value's placeholder in the help, or null for a flag (no value).
     * @param roles       the roles that take it.
     * @param description its help text.
     * @param repeatable  whether it may be given several times (its values are joined with commas; the environment
     *                    and the file give them comma-separated).
     */
    record Entry(String name, String label, Set<Role> roles, String description, boolean repeatable)
    {
        Entry(final String name, final String label, final Set<Role> roles, final String description)
        {
            this(name, label, roles, description, false);
        }

        boolean flag()
        {
            return label == null;
        }
    }

    private static final Set<Role> ALL = EnumSet.allOf(Role.class);
    private static final Set<Role> BROKER = EnumSet.of(Role.BROKER);
    private static final Set<Role> ROUTER = EnumSet.of(Role.ROUTER);
    private static final Set<Role> CONTROLLER = EnumSet.of(Role.CONTROLLER);

    /** In the order of the help. */
    static final List<Entry> ENTRIES = List.of(
        new Entry("port", "N", ALL, "Port to listen on; 0 picks a free one (the READY line names it). Default: " +
            "router 9876, broker 10911, controller 9880."),
        new Entry("host", "H", ALL, "Interface to bind (default 127.0.0.1); a broker registers H:port with the " +
            "routers, so use an address clients can reach."),
        new Entry("config", "FILE", ALL, "Java properties with these options' names as keys (role=broker, " +
            "port=10911, plaintext=true, ...); the command line and the environment win over it."),
        new Entry("plaintext", null, ALL, "No TLS (must be chosen explicitly; only on a trusted network)."),
        new Entry("tls-cert", "chain.pem", ALL, "PEM certificate chain: served, and presented to peers."),
        new Entry("tls-key", "key.pem", ALL, "PKCS#8 private key of --tls-cert."),
        new Entry("tls-ca", "ca.pem", ALL, "CA that peers' certificates are checked against (default: the JDK's " +
            "roots)."),
        new Entry("tls-client-auth", null, ALL, "Mutual TLS: accept only clients with a certificate of --tls-ca."),
        new Entry("auth", "rules.acl", ALL, "Access control: users and policies of the rules file (re-read when " +
            "it changes). Either this or --no-auth must be chosen (router, broker); a controller with --auth serves " +
            "cluster members only, with neither nobody is checked."),
        new Entry("no-auth", null, ALL, "No access control: anybody who reaches the port may call anything."),
        new Entry("log-config", "logback.xml", ALL, "A Logback configuration of your own."),
        new Entry("log-format", "text|json", ALL, "text (default) or json (one JSON object per line)."),
        new Entry("idle-timeout", "120s", ALL, "Close a connection with no call in progress this long " +
            "(keep it above 30 s, the heartbeat)."),
        new Entry("max-connections", "10000", ALL, "Connections held open; more are closed when accepted."),
        new Entry("metrics-port", "N", ALL, "Serve Prometheus metrics on http://HOST:N/metrics; 0 picks a free " +
            "port (logged). Default: no endpoint."),
        new Entry("otlp-endpoint", "URL", ALL, "Push metrics to this OTLP/HTTP collector URL (http or https), e.g. " +
            "http://127.0.0.1:4318/v1/metrics. Default: no push."),
        new Entry("otlp-step", "60s", ALL, "How often metrics are pushed to --otlp-endpoint (1s to 1h)."),
        new Entry("otlp-header", "NAME=VALUE", ALL, "An HTTP header of every OTLP push, e.g. authorization=Bearer " +
            "...; repeatable or comma-separated. Values are never logged.", true),
        new Entry("broker-expiry", "120s", ROUTER, "Evict a broker silent this long."),
        new Entry("name", "N", BROKER, "Replica-set name (brokerName); required."),
        new Entry("id", "0", BROKER, "brokerId: 0 = master; with --master or --controllers, the replica's id, 1 and " +
            "up."),
        new Entry("cluster", "C", BROKER, "Cluster name (default DefaultCluster)."),
        new Entry("routers", "h:p,h:p", BROKER, "Every router it registers with (host:port or grpc://host:port); " +
            "required."),
        new Entry("data", "DIR", EnumSet.of(Role.BROKER, Role.CONTROLLER), "Broker: its store and files (one " +
            "broker per directory); controller: its Raft state. Required."),
        new Entry("flush", "sync|async", BROKER, "SYNC: a send is acknowledged once on disk (default async)."),
        new Entry("auto-create-topics", "true|false", BROKER, "Create a topic on its first send (default true)."),
        new Entry("segment-size", "1g", BROKER, "Commit-log file size, 8m to 1g, a multiple of 4k (default 1g)."),
        new Entry("offset-flush-interval", "5s", BROKER, "How often committed consumer offsets are written to disk."),
        new Entry("delay-levels", "1s,5s,...", BROKER, "The delay of each level, level 1 first (default " +
            "RocketMQ's 18; retries use level 3 and up)."),
        new Entry("max-delay", "3d", BROKER, "Longest delivery delay by time a send may ask for."),
        new Entry("member", "KEY", BROKER, "With --auth: the broker's kind=member user in the rules file, whose " +
            "secret signs its registrations and its controller calls (default: --name)."),
        new Entry("replication", "sync|async", BROKER, "SYNC: a send is acknowledged once --min-in-sync replicas " +
            "hold it (default async)."),
        new Entry("min-in-sync", "N", BROKER, "Replicas, the master counted, a SYNC send needs (default 2)."),
        new Entry("master", "host:port", BROKER, "Static roles: this broker (--id 1+) is a slave of that master."),
        new Entry("controllers", "h:p,h:p", BROKER, "Failover controllers decide the role (--id is the replica's " +
            "id, 1+)."),
        new Entry("controller-heartbeat-interval", "1s", BROKER, "How often the broker heartbeats the controllers."),
        new Entry("controller-lease", "2s", BROKER, "A master no controller answered for this long stops taking " +
            "writes; keep it below the controllers' --heartbeat-timeout."),
        new Entry("max-gap-not-in-sync", "256m", BROKER, "A slave further behind the master's log end is out of " +
            "sync (bounds the ASYNC loss window)."),
        new Entry("transaction-check-interval", "30s", BROKER, "How often transactions without an outcome are " +
            "checked back with their producer group."),
        new Entry("transaction-timeout", "6s", BROKER, "A half message older than this without an outcome is " +
            "checked (a message's CHECK_IMMUNITY_TIME_IN_SECONDS replaces it)."),
        new Entry("transaction-max-checks", "15", BROKER, "Checks before a transaction is rolled back and listed."),
        new Entry("retention", "72h", BROKER, "Delete commit-log segments whose newest message is older."),
        new Entry("disk-clean-ratio", "0.75", BROKER, "With --delete-unexpired-on-disk-pressure: delete the oldest " +
            "unexpired segment above this disk usage."),
        new Entry("disk-force-clean-ratio", "0.85", BROKER, "Likewise, ten segments a check above this usage."),
        new Entry("disk-full-ratio", "0.90", BROKER, "Above this disk usage sends fail with DISK_FULL."),
        new Entry("delete-unexpired-on-disk-pressure", null, BROKER, "Allow deleting acknowledged, unexpired " +
            "messages to make room (each deletion logged at WARN)."),
        new Entry("index-entries", "N", BROKER, "Entries per key-index file (default: segment size / 48)."),
        new Entry("repair-damaged-log", null, BROKER, "Quarantine destroyed data below the checkpoint and cut the " +
            "log there instead of refusing to start."),
        new Entry("verify-log-on-open", "true|false", BROKER, "Verify every record's CRC at start (default true)."),
        new Entry("verify-reads", null, BROKER, "Check each record's CRC when it is read."),
        new Entry("controller-id", "ID", CONTROLLER, "Its id in the Raft group; required."),
        new Entry("controller-peers", "1=h:p,2=h:p", CONTROLLER, "Every controller's Raft address, its own " +
            "included, the same list on each; required."),
        new Entry("heartbeat-timeout", "3s", CONTROLLER, "A master silent this long is replaced."),
        new Entry("allow-unclean-election", null, CONTROLLER, "With no live in-sync replica, promote any live one " +
            "(may lose acknowledged messages)."));

    private static final Map<String, Entry> BY_NAME = byName();

    private ServerOptionTable()
    {
    }

    /**
     * @return the roles that take the option, empty for an unknown name.
     */
    static Set<Role> roles(final String name)
    {
        final Entry entry = BY_NAME.get(name);
        return entry == null ? Set.of() : entry.roles();
    }

    private static Map<String, Entry> byName()
    {
        final Map<String, Entry> entries = new LinkedHashMap<>();
        ENTRIES.forEach(entry -> entries.put(entry.name(), entry));
        return entries;
    }
}
