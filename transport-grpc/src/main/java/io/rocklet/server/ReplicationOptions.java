package io.rocklet.server;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.broker.replication.ReplicationConfig;
import io.rocklet.broker.replication.ReplicationMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A broker server's part in its replica set (F4):
 *
 * <pre>
 * --replication sync|async            SYNC: a send is acknowledged once enough replicas hold it (default async)
 * --min-in-sync N                     replicas, the master counted, a SYNC send needs (default 2 with sync)
 * --master host:port                  static roles: this broker (--id 1 and up) is a slave of that master
 * --controllers host:port,host:port   failover controllers decide the role (--id is the replica's id, 1 and up)
 * --controller-heartbeat-interval 1s  how often the broker heartbeats the controllers
 * --controller-lease 2s               a master that no controller answered for this long stops taking writes (keep it
 *                                     below the controllers' --heartbeat-timeout)
 * --max-gap-not-in-sync 256m          a slave further behind the master's log end is out of sync (k, m, g units)
 * </pre>
 */
final class ReplicationOptions
{
    private ReplicationOptions()
    {
    }

    /**
     * @throws InvalidArgumentException naming the option and the value.
     */
    static ReplicationConfig parse(final Map<String, String> options)
    {
        final ReplicationConfig.Builder builder = ReplicationConfig.builder();
        final String mode = options.getOrDefault("replication", "async");
        builder.mode(switch (mode.toLowerCase(Locale.ROOT))
        {
            case "sync" -> ReplicationMode.SYNC;
            case "async" -> ReplicationMode.ASYNC;
            default -> throw new InvalidArgumentException("--replication wants sync or async, got '" + mode + "'");
        });
        if (options.containsKey("min-in-sync"))
        {
            builder.minInSyncReplicas(ServerOptions.integer(options, "min-in-sync", 1, 1, 16));
        }
        if (options.containsKey("controller-heartbeat-interval"))
        {
            builder.controllerHeartbeatInterval(ServerOptions.duration(options, "controller-heartbeat-interval", null));
        }
        if (options.containsKey("controller-lease"))
        {
            builder.controllerLease(ServerOptions.duration(options, "controller-lease", null));
        }
        if (options.containsKey("max-gap-not-in-sync"))
        {
            builder.maxGapNotInSyncBytes(bytes("max-gap-not-in-sync", options.get("max-gap-not-in-sync")));
        }
        final String master = options.get("master");
        final String controllers = options.get("controllers");
        if (master != null && controllers != null)
        {
            throw new InvalidArgumentException("--master and --controllers exclude each other: with controllers, " +
                "they name the master");
        }
        if (master != null)
        {
            builder.masterAddress(ServerOptions.grpcAddress("master", master));
        }
        if (controllers != null)
        {
            final List<String> addresses = new ArrayList<>();
            for (final String controller : controllers.split(","))
            {
                addresses.add(ServerOptions.grpcAddress("controllers", controller));
            }
            builder.controllers(addresses);
        }
        try
        {
            return builder.build();
        }
        catch (final InvalidArgumentException e)
        {
            throw new InvalidArgumentException("replication options: " + e.getMessage());
        }
    }

    /**
     * @return a positive size such as {@code 262144}, {@code 256k}, {@code 256m}, {@code 1g}, in bytes.
     * @throws InvalidArgumentException naming the option and the value.
     */
    private static long bytes(final String name, final String value)
    {
        final String text = value.trim().toLowerCase(Locale.ROOT);
        final int unit = text.isEmpty() ? -1 : "kmg".indexOf(text.charAt(text.length() - 1));
        try
        {
            final long number = Long.parseLong(unit < 0 ? text : text.substring(0, text.length() - 1));
            if (number > 0 && number < (1L << 40))
            {
                return number << (unit < 0 ? 0 : 10 * (unit + 1));
            }
        }
        catch (final NumberFormatException e)
        {
            // reported below
        }
        throw new InvalidArgumentException("--" + name + " wants a positive size such as 256k, 256m or 1g, got '" +
            value + "'");
    }
}
