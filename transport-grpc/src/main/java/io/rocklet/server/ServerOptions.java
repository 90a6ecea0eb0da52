package io.rocklet.server;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.broker.BrokerConfig;
import io.rocklet.controller.ControllerConfig;
import io.rocklet.server.ServerSettings.AuthFiles;
import io.rocklet.server.ServerSettings.Connections;
import io.rocklet.server.ServerSettings.ControllerOptions;
import io.rocklet.server.ServerSettings.Role;
import io.rocklet.server.ServerSettings.TlsFiles;
import io.rocklet.store.FlushMode;
import io.rocklet.store.StoreConfig;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Reads a standalone server's settings from its command line, and from a config file when {@code --config FILE}
 * names one (Java properties whose keys are the option names without the dashes, e.g. {@code port=9876},
 * {@code role=broker}); options on the command line win over the file.
 *
 * <pre>
 * router --port 9876 [--host H] [--broker-expiry 120s] TLS AUTH
 * broker --name N --id 0 --routers host:port,host:port --data DIR [--flush sync|async] [--cluster C]
 *        [--port 10911] [--host H] [--auto-create-topics true|false] [--segment-size 1g]
 *        [--delay-levels 1s,5s,...] TLS AUTH
 * controller --controller-id 1 --controller-peers 1=host:port,2=host:port,3=host:port --data DIR [--port 9880]
 *        [--host H] [--heartbeat-timeout 3s] [--allow-unclean-election] TLS
 * TLS:   --tls-cert chain.pem --tls-key key.pem [--tls-ca ca.pem] [--tls-client-auth]  |  --plaintext
 * AUTH:  --auth rules.acl [--member ACCESS_KEY]  |  --no-auth
 * </pre>
 * Every mistake is an {@link InvalidArgumentException} naming the option and the value.
 */
public final class ServerOptions
{
    /** The usage text, for a server's {@code --help} and its errors. */
    public static final String USAGE = """
        usage: rocklet-server admin <topic|group|message|dlq|cluster> <command> [options]   (admin --help)
               rocklet-server router --port 9876 [--host 127.0.0.1] [--broker-expiry 120s] TLS AUTH
               rocklet-server broker --name broker-a --id 0 --routers host:port[,host:port] --data DIR
                                     [--flush sync|async] [--cluster DefaultCluster] [--port 10911]
                                     [--host 127.0.0.1] [--auto-create-topics true|false]
                                     [--segment-size 1g] (commit-log file size: 8m to 1g)
                                     [--delay-levels 1s,5s,10s,...] [--max-delay 3d] [store options] TLS AUTH
               (--delay-levels: the back-off of each delay level, level 1 first; retries use level 3 and up;
               default RocketMQ's 18 levels, 1s 5s 10s 30s 1m ... 2h; --max-delay: the longest delivery delay
               by time a send may ask for, default 3d)
               [--offset-flush-interval 5s] (how often committed consumer offsets are written to disk)
               [--transaction-check-interval 30s] [--transaction-timeout 6s] [--transaction-max-checks 15]
               (check-backs of transactions without an outcome: how often, after how long, how many times)
               [--replication sync|async] [--min-in-sync 2] (SYNC: a send is acknowledged once that many replicas,
               the master counted, hold it) [--master host:port] (static roles: a slave, --id 1 and up) or
               [--controllers host:port,...] (failover controllers decide the role; --id is the replica's id, 1 and up)
               [--controller-heartbeat-interval 1s] [--controller-lease 2s] (a master no controller answered for
               this long stops taking writes; keep it below the controllers' --heartbeat-timeout)
               [--max-gap-not-in-sync 256m] (a slave further behind the master's log end is out of sync)
               rocklet-server controller --controller-id 1 --controller-peers 1=host:port,2=host:port,3=host:port
                                     --data DIR [--port 9880] [--host 127.0.0.1] [--heartbeat-timeout 3s]
                                     [--allow-unclean-election]
               (--controller-peers: every controller's Raft address, its own included, the same list on each;
               --port: where brokers and admins reach its controller service; --heartbeat-timeout: a master silent
               this long is replaced; --allow-unclean-election: when no in-sync replica is alive, promote any live
               one, which may lose acknowledged messages)
        all:   [--log-config logback.xml] (a Logback configuration of your own) [--log-format text|json]
               [--idle-timeout 120s] (close a connection with no call in progress this long)
               [--max-connections 10000] (close connections accepted beyond this many)
        """ + StoreOptions.USAGE + """

               rocklet-server --config FILE [options]     (a properties file: role=broker, port=..., ...)
        TLS:   --tls-cert chain.pem --tls-key key.pem [--tls-ca ca.pem] [--tls-client-auth]
               (--tls-ca: the CA peers' certificates are checked against; --tls-client-auth: accept only clients
               with a certificate that CA signed, and present ours to peers)
               or --plaintext (no encryption; only on a trusted network)
        AUTH:  --auth rules.acl [--member ACCESS_KEY]  |  --no-auth
               (--auth: users and policies, see io.rocklet.auth.AclFile; the file is re-read when it changes;
               --member: a broker's cluster-member user in that file, whose secret signs its registrations
               with the routers and its controller calls, default the broker's --name; --no-auth: anybody may
               call anything; a controller with --auth serves cluster members only, without either option none)""";

    static final int DEFAULT_ROUTER_PORT = 9876;
    static final int DEFAULT_BROKER_PORT = 10911;
    static final int DEFAULT_CONTROLLER_PORT = 9880;
    private static final Set<String> COMMON = Set.of("role", "port", "host", "tls-cert", "tls-key", "tls-ca",
        "tls-client-auth", "plaintext", "config", "log-config", "log-format", "auth", "no-auth");
    private static final Set<String> BROKER = Set.of("name", "id", "cluster", "routers", "data", "flush",
        "auto-create-topics", "segment-size", "delay-levels", "max-delay", "member", "replication", "min-in-sync",
        "master", "controllers", "controller-heartbeat-interval", "controller-lease", "max-gap-not-in-sync");
    private static final Set<String> BROKER_STORE = StoreOptions.NAMES;
    private static final Set<String> ROUTER = Set.of("broker-expiry");
    private static final Set<String> CONTROLLER = Set.of("controller-id", "controller-peers", "data",
        "heartbeat-timeout", "allow-unclean-election");
    /** Options of the server's connections, both roles. */
    private static final Set<String> CONNECTIONS = Set.of("idle-timeout", "max-connections");
    /** Broker options of consumer offsets. */
    private static final Set<String> OFFSETS = Set.of("offset-flush-interval");
    /** A segment holds the largest record: a 4 MiB body, its properties and header. */
    private static final int MIN_SEGMENT_BYTES = 8 << 20;
    private static final Set<String> FLAGS = Set.of("plaintext", "tls-client-auth", "no-auth",
        "delete-unexpired-on-disk-pressure", "repair-damaged-log", "verify-reads", "allow-unclean-election");

    private ServerOptions()
    {
    }

    /**
     * @return the settings the arguments (and the config file they name) describe.
     * @throws InvalidArgumentException naming what is wrong.
     */
    public static ServerSettings parse(final String... args)
    {
        final Map<String, String> options = readCommandLine(args);
        final String config = options.get("config");
        if (config != null)
        {
            final Map<String, String> merged = readFile(Path.of(config));
            merged.putAll(options);
            return settings(merged);
        }
        return settings(options);
    }

    private static Map<String, String> readCommandLine(final String[] args)
    {
        final Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if (!arg.startsWith("--"))
            {
                if (i == 0)
                {
                    options.put("role", arg);
                    continue;
                }
                throw new InvalidArgumentException("unexpected argument '" + arg + "' (options start with --)");
            }
            final String name = arg.substring(2);
            final int equals = name.indexOf('=');
            if (equals > 0)
            {
                options.put(name.substring(0, equals), name.substring(equals + 1));
            }
            else if (FLAGS.contains(name))
            {
                options.put(name, "true");
            }
            else if (i + 1 < args.length && !args[i + 1].startsWith("--"))
            {
                options.put(name, args[++i]);
            }
            else
            {
                throw new InvalidArgumentException("option --" + name + " needs a value");
            }
        }
        return options;
    }

    private static Map<String, String> readFile(final Path file)
    {
        final Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            properties.load(reader);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot read the config file: file=" + file, e);
        }
        final Map<String, String> options = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(key -> options.put(key.trim(), properties.getProperty(key).trim()));
        return options;
    }

    private static ServerSettings settings(final Map<String, String> options)
    {
        final String roleName = options.get("role");
        if (roleName == null)
        {
            throw new InvalidArgumentException("say which server to run: 'router', 'broker' or 'controller' (or role= " +
                "in --config)");
        }
        final Role role = switch (roleName.toLowerCase(Locale.ROOT))
        {
            case "router" -> Role.ROUTER;
            case "broker" -> Role.BROKER;
            case "controller" -> Role.CONTROLLER;
            default -> throw new InvalidArgumentException("unknown server role '" + roleName +
                "': expected router, broker or controller");
        };
        checkKnown(options, role);
        final String host = options.getOrDefault("host", "127.0.0.1");
        final int port = integer(options, "port", switch (role)
        {
            case ROUTER -> DEFAULT_ROUTER_PORT;
            case BROKER -> DEFAULT_BROKER_PORT;
            case CONTROLLER -> DEFAULT_CONTROLLER_PORT;
        }, 0, 65535);
        final TlsFiles tls = tls(options);
        if (role == Role.ROUTER)
        {
            return new ServerSettings(role, host, port, tls, null, 0, null, List.of(), null, null, false, 0,
                duration(options, "broker-expiry", Duration.ofSeconds(120)), List.of(), null,
                connections(options), StoreOptions.defaults(), null, null, auth(options, null), null, null);
        }
        if (role == Role.CONTROLLER)
        {
            // --auth: only cluster members may call the controller service; neither option: no access control
            final AuthFiles auth = options.containsKey("auth") || options.containsKey("no-auth") ?
                auth(options, null) : AuthFiles.none();
            return new ServerSettings(role, host, port, tls, null, 0, null, List.of(),
                Path.of(required(options, "data", "controller")), null, false, 0, null, List.of(), null,
                connections(options), StoreOptions.defaults(), null, controllerOptions(options), auth, null, null);
        }
        return new ServerSettings(role, host, port, tls, required(options, "name"),
            integer(options, "id", 0, 0, Integer.MAX_VALUE), options.getOrDefault("cluster", "DefaultCluster"),
            routers(required(options, "routers")), Path.of(required(options, "data")), flush(options),
            bool(options, "auto-create-topics", true), segmentSize(options), null, delayLevels(options),
            duration(options, "offset-flush-interval", null), connections(options), StoreOptions.parse(options),
            duration(options, "max-delay", BrokerConfig.DEFAULT_MAX_DELAY), null,
            auth(options, options.getOrDefault("member", options.get("name"))), ReplicationOptions.parse(options),
            TransactionOptions.parse(options));
    }

    private static ControllerOptions controllerOptions(final Map<String, String> options)
    {
        final String id = required(options, "controller-id", "controller");
        final Map<String, String> peers = ControllerConfig.parsePeers(required(options, "controller-peers",
            "controller"));
        if (!peers.containsKey(id))
        {
            throw new InvalidArgumentException("--controller-peers must list this controller's own id " + id +
                ", got " + peers.keySet());
        }
        return new ControllerOptions(id, peers, duration(options, "heartbeat-timeout",
            ControllerOptions.DEFAULT_HEARTBEAT_TIMEOUT), bool(options, "allow-unclean-election", false));
    }

    private static AuthFiles auth(final Map<String, String> options, final String member)
    {
        final String file = options.get("auth");
        final boolean none = bool(options, "no-auth", false);
        if (none && file != null)
        {
            throw new InvalidArgumentException("--auth and --no-auth exclude each other");
        }
        if (none)
        {
            if (options.containsKey("member"))
            {
                throw new InvalidArgumentException("--member needs --auth (the rules file holds its secret)");
            }
            return AuthFiles.none();
        }
        if (file == null)
        {
            throw new InvalidArgumentException("choose access control: --auth rules.acl (users and policies), or " +
                "--no-auth explicitly (anybody may call anything)");
        }
        return new AuthFiles(existing(file, "auth"), member);
    }

    private static Connections connections(final Map<String, String> options)
    {
        return new Connections(duration(options, "idle-timeout", Connections.DEFAULT_IDLE_TIMEOUT),
            integer(options, "max-connections", Connections.DEFAULT_MAX_CONNECTIONS, 1, Integer.MAX_VALUE));
    }

    private static void checkKnown(final Map<String, String> options, final Role role)
    {
        for (final String name : options.keySet())
        {
            final boolean known = COMMON.contains(name) || CONNECTIONS.contains(name) || switch (role)
            {
                case BROKER -> BROKER.contains(name) || OFFSETS.contains(name) || BROKER_STORE.contains(name) ||
                    TransactionOptions.NAMES.contains(name);
                case ROUTER -> ROUTER.contains(name);
                case CONTROLLER -> CONTROLLER.contains(name);
            };
            if (!known)
            {
                throw new InvalidArgumentException("unknown option for a " + role.name().toLowerCase(Locale.ROOT) +
                    ": --" + name);
            }
        }
    }

    private static TlsFiles tls(final Map<String, String> options)
    {
        final boolean plaintext = bool(options, "plaintext", false);
        final String cert = options.get("tls-cert");
        final String key = options.get("tls-key");
        final String ca = options.get("tls-ca");
        final boolean clientAuth = bool(options, "tls-client-auth", false);
        if (plaintext)
        {
            if (cert != null || key != null || ca != null || clientAuth)
            {
                throw new InvalidArgumentException("--plaintext and --tls-* options exclude each other");
            }
            return TlsFiles.none();
        }
        if (cert == null || key == null)
        {
            throw new InvalidArgumentException("TLS needs --tls-cert and --tls-key (missing: " +
                (cert == null ? "--tls-cert" : "--tls-key") + "); or choose --plaintext explicitly");
        }
        if (clientAuth && ca == null)
        {
            throw new InvalidArgumentException("--tls-client-auth needs --tls-ca, the CA client certificates are " +
                "checked against");
        }
        return new TlsFiles(false, existing(cert, "tls-cert"), existing(key, "tls-key"),
            ca == null ? null : existing(ca, "tls-ca"), clientAuth);
    }

    private static Path existing(final String file, final String option)
    {
        final Path path = Path.of(file);
        if (!Files.isReadable(path))
        {
            throw new InvalidArgumentException("--" + option + " names no readable file: " + file);
        }
        return path;
    }

    private static List<String> routers(final String list)
    {
        final List<String> routers = new ArrayList<>();
        for (final String part : list.split(","))
        {
            routers.add(grpcAddress("routers", part));
        }
        return routers;
    }

    /**
     * @param name  the option, for the error.
     * @param value {@code host:port} or {@code grpc://host:port} (IPv6 hosts in brackets), port 1 to 65535.
     * @return the address as {@code grpc://host:port}.
     * @throws InvalidArgumentException naming the option and the value.
     */
    public static String grpcAddress(final String name, final String value)
    {
        final String trimmed = value.trim();
        final String hostPort = trimmed.startsWith("grpc://") ? trimmed.substring("grpc://".length()) : trimmed;
        final int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1 || hostPort.contains("/"))
        {
            throw new InvalidArgumentException("--" + name + " wants host:port or grpc://host:port, got '" +
                value + "'");
        }
        try
        {
            final int port = Integer.parseInt(hostPort.substring(colon + 1));
            if (port < 1 || port > 65535)
            {
                throw new NumberFormatException("out of range");
            }
        }
        catch (final NumberFormatException e)
        {
            throw new InvalidArgumentException("--" + name + ": illegal port in '" + value + "'");
        }
        return "grpc://" + hostPort;
    }

    private static FlushMode flush(final Map<String, String> options)
    {
        final String value = options.getOrDefault("flush", "async");
        return switch (value.toLowerCase(Locale.ROOT))
        {
            case "sync" -> FlushMode.SYNC;
            case "async" -> FlushMode.ASYNC;
            default -> throw new InvalidArgumentException("--flush wants sync or async, got '" + value + "'");
        };
    }

    private static int segmentSize(final Map<String, String> options)
    {
        final String value = options.get("segment-size");
        if (value == null)
        {
            return StoreConfig.MAX_SEGMENT_BYTES;
        }
        final String text = value.trim().toLowerCase(Locale.ROOT);
        final int unit = text.isEmpty() ? -1 : "kmg".indexOf(text.charAt(text.length() - 1));
        try
        {
            final long number = Long.parseLong(unit < 0 ? text : text.substring(0, text.length() - 1));
            final long bytes = unit < 0 ? number : number << (10 * (unit + 1));
            if (number > 0 && number < (1L << 32) && bytes >= MIN_SEGMENT_BYTES &&
                bytes <= StoreConfig.MAX_SEGMENT_BYTES && bytes % 4096 == 0)
            {
                return (int)bytes;
            }
        }
        catch (final NumberFormatException e)
        {
            // reported below
        }
        throw new InvalidArgumentException("--segment-size wants a size from 8m to 1g, a multiple of 4k (e.g. 64m), " +
            "got '" + value + "'");
    }

    private static String required(final Map<String, String> options, final String name)
    {
        return required(options, name, "broker");
    }

    private static String required(final Map<String, String> options, final String name, final String role)
    {
        final String value = options.get(name);
        if (value == null || value.isBlank())
        {
            throw new InvalidArgumentException("a " + role + " needs --" + name);
        }
        return value;
    }

    static int integer(final Map<String, String> options, final String name, final int defaultValue,
        final int min, final int max)
    {
        final String value = options.get(name);
        if (value == null)
        {
            return defaultValue;
        }
        try
        {
            final int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max)
            {
                return parsed;
            }
        }
        catch (final NumberFormatException e)
        {
            // reported below
        }
        throw new InvalidArgumentException("--" + name + " wants a number from " + min + " to " + max + ", got '" +
            value + "'");
    }

    static boolean bool(final Map<String, String> options, final String name, final boolean defaultValue)
    {
        final String value = options.get(name);
        if (value == null)
        {
            return defaultValue;
        }
        return switch (value.toLowerCase(Locale.ROOT))
        {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidArgumentException("--" + name + " wants true or false, got '" + value + "'");
        };
    }

    static Duration duration(final Map<String, String> options, final String name,
        final Duration defaultValue)
    {
        final String value = options.get(name);
        return value == null ? defaultValue : duration(name, value);
    }

    /**
     * @return the delay levels of {@code --delay-levels}, or empty for the broker's default.
     */
    private static List<Duration> delayLevels(final Map<String, String> options)
    {
        final String value = options.get("delay-levels");
        if (value == null)
        {
            return List.of();
        }
        final List<Duration> levels = new ArrayList<>();
        for (final String level : value.split(","))
        {
            levels.add(duration("delay-levels", level));
        }
        if (levels.size() > BrokerConfig.MAX_DELAY_LEVELS)
        {
            throw new InvalidArgumentException("--delay-levels takes at most " + BrokerConfig.MAX_DELAY_LEVELS +
                " levels, got " + levels.size());
        }
        return levels;
    }

    /**
     * @param name  the option, for the error.
     * @param value a positive duration such as {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 3d}.
     * @throws InvalidArgumentException naming the option and the value.
     */
    public static Duration duration(final String name, final String value)
    {
        final String text = value.trim().toLowerCase(Locale.ROOT);
        try
        {
            if (text.endsWith("ms"))
            {
                return positive(Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2))), name, value);
            }
            if (text.endsWith("s"))
            {
                return positive(Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1))), name, value);
            }
            if (text.endsWith("m"))
            {
                return positive(Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1))), name, value);
            }
            if (text.endsWith("h"))
            {
                return positive(Duration.ofHours(Long.parseLong(text.substring(0, text.length() - 1))), name, value);
            }
            if (text.endsWith("d"))
            {
                return positive(Duration.ofDays(Long.parseLong(text.substring(0, text.length() - 1))), name, value);
            }
        }
        catch (final NumberFormatException e)
        {
            // reported below
        }
        throw new InvalidArgumentException("--" + name + " wants a duration such as 500ms, 30s or 2m, got '" +
            value + "'");
    }

    private static Duration positive(final Duration duration, final String name, final String value)
    {
        if (duration.isZero() || duration.isNegative())
        {
            throw new InvalidArgumentException("--" + name + " must be positive, got '" + value + "'");
        }
        return duration;
    }
}
