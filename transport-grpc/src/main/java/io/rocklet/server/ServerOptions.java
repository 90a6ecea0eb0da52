package io.rocklet.server;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.broker.BrokerConfig;
import io.rocklet.controller.ControllerConfig;
import io.rocklet.server.ServerSettings.AuthFiles;
import io.rocklet.server.ServerSettings.Connections;
import io.rocklet.server.ServerSettings.ControllerOptions;
import io.rocklet.server.ServerSettings.MetricsOptions;
import io.rocklet.server.ServerSettings.Role;
import io.rocklet.server.ServerSettings.TlsFiles;
import io.rocklet.store.FlushMode;
import io.rocklet.store.StoreConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a standalone server's settings: {@link ServerCommandLine} (picocli) collects the values of the command line,
 * the {@code ROCKLET_<OPTION>} environment variables and the {@code --config} properties file (in that order of
 * precedence); this class checks them and makes the {@link ServerSettings}. The options, their roles and help are
 * listed once, in {@link ServerOptionTable}; {@link #usage()} is the generated help.
 * Every mistake is an {@link InvalidArgumentException} naming the option and the value.
 */
public final class ServerOptions
{
    static final int DEFAULT_ROUTER_PORT = 9876;
    static final int DEFAULT_BROKER_PORT = 10911;
    static final int DEFAULT_CONTROLLER_PORT = 9880;
    /** A segment holds the largest record: a 4 MiB body, its properties and header. */
    private static final int MIN_SEGMENT_BYTES = 8 << 20;

    private ServerOptions()
    {
    }

    /**
     * @return the settings the arguments, the process's {@code ROCKLET_*} environment variables and the config file
     *     they name describe.
     * @throws InvalidArgumentException naming what is wrong.
     */
    public static ServerSettings parse(final String... args)
    {
        return parse(System.getenv(), args);
    }

    /**
     * @param environment the environment variables to read {@code ROCKLET_*} defaults from.
     * @return the settings the arguments, the environment and the config file they name describe.
     * @throws InvalidArgumentException naming what is wrong.
     */
    public static ServerSettings parse(final Map<String, String> environment, final String... args)
    {
        return settings(ServerCommandLine.read(args, environment));
    }

    /**
     * @return the generated help: usage, every option with its roles, environment variable and default.
     */
    public static String usage()
    {
        return ServerCommandLine.usage();
    }

    private static ServerSettings settings(final Map<String, String> options)
    {
        final Role role = Role.valueOf(options.get("role").toUpperCase(Locale.ROOT)); // checked by the command line
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
                connections(options), StoreOptions.defaults(), null, null, auth(options, null), null, null,
                metrics(options));
        }
        if (role == Role.CONTROLLER)
        {
            // --auth: only cluster members may call the controller service; neither option: no access control
            final AuthFiles auth = options.containsKey("auth") || options.containsKey("no-auth") ?
                auth(options, null) : AuthFiles.none();
            return new ServerSettings(role, host, port, tls, null, 0, null, List.of(),
                Path.of(required(options, "data", "controller")), null, false, 0, null, List.of(), null,
                connections(options), StoreOptions.defaults(), null, controllerOptions(options), auth, null, null,
                metrics(options));
        }
        return new ServerSettings(role, host, port, tls, required(options, "name"),
            integer(options, "id", 0, 0, Integer.MAX_VALUE), options.getOrDefault("cluster", "DefaultCluster"),
            routers(required(options, "routers")), Path.of(required(options, "data")), flush(options),
            bool(options, "auto-create-topics", true), segmentSize(options), null, delayLevels(options),
            duration(options, "offset-flush-interval", null), connections(options), StoreOptions.parse(options),
            duration(options, "max-delay", BrokerConfig.DEFAULT_MAX_DELAY), null,
            auth(options, options.getOrDefault("member", options.get("name"))), ReplicationOptions.parse(options),
            TransactionOptions.parse(options), metrics(options));
    }

    private static MetricsOptions metrics(final Map<String, String> options)
    {
        return new MetricsOptions(integer(options, "metrics-port", -1, 0, 65535), OtlpOptions.parse(options));
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
