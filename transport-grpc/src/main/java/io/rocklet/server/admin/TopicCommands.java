package io.rocklet.server.admin;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.admin.QueueStats;
import io.rocklet.api.admin.RouteEntry;
import io.rocklet.api.admin.TopicInfo;
import io.rocklet.api.admin.TopicRouteInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code admin topic list|create|update|delete|route|stats}.
 */
@Command(name = "topic", description = "Topics: list, create, update, delete, " +
    "route, stats.")
final class TopicCommands
{
    @ParentCommand
    AdminCli admin;

    /** The options a topic's configuration is made of (create and update). */
    static final class Shape
    {
        @Option(names = "--topic", paramLabel = "<topic>", required = true, description = "The topic.")
        String topic;

        @Option(names = "--queues", paramLabel = "<queues>",
            description = "Read and write queues per broker (default 4).")
        Integer queues;

        @Option(names = "--read-queues", paramLabel = "<read-queues>",
            description = "Read queues per broker (default --queues).")
        Integer readQueues;

        @Option(names = "--write-queues", paramLabel = "<write-queues>",
            description = "Write queues per broker (default --queues).")
        Integer writeQueues;

        @Option(names = "--perm", paramLabel = "<perm>", defaultValue = "rw",
            description = "rw, r, w or none (default ${DEFAULT-VALUE}).")
        String permission;

        @Option(names = "--order", paramLabel = "<order>",
            description = "Ordered topic (one queue per key, orderly consumers).")
        boolean order;

        TopicConfig config()
        {
            final int both = queues == null ? TopicConfig.DEFAULT_QUEUES : queues;
            return new TopicConfig(topic, readQueues == null ? both : readQueues,
                writeQueues == null ? both : writeQueues, permission(permission), order);
        }
    }

    @Command(name = "list", description = "Every topic, per broker.")
    int list()
    {
        final List<TopicInfo> topics = admin.withAdmin(a -> a.topics());
        return admin.print(topics, all ->
        {
            final Table table = new Table("TOPIC", "BROKER", "READ", "WRITE", "PERM", "ORDER");
            for (final TopicInfo topic : all)
            {
                new TreeMap<>(topic.brokers()).forEach((broker, config) -> table.row(topic.name(), broker,
                    config.readQueues(), config.writeQueues(), permission(config.permission()), config.order()));
            }
            return table;
        });
    }

    @Command(name = "create", description = "Creates a topic on every broker, or on --brokers.")
    int create(@picocli.CommandLine.Mixin final Shape shape,
        @Option(names = "--brokers", paramLabel = "<brokers>", split = ",", description = "Only these brokers (names).")
        final List<String> brokers)
    {
        final TopicConfig config = shape.config();
        admin.withAdmin(a ->
        {
            if (brokers == null || brokers.isEmpty())
            {
                a.createTopic(config);
            }
            else
            {
                a.createTopic(config, brokers);
            }
            return null;
        });
        return admin.print(config, c -> new Table("TOPIC", "READ", "WRITE", "PERM", "ORDER", "RESULT")
            .row(c.name(), c.readQueues(), c.writeQueues(), permission(c.permission()), c.order(), "created"));
    }

    @Command(name = "update", description = "Changes a topic's queues, permission or order on every broker " +
        "holding it.")
    int update(@picocli.CommandLine.Mixin final Shape shape)
    {
        final TopicConfig config = shape.config();
        admin.withAdmin(a ->
        {
            a.updateTopic(config);
            return null;
        });
        return admin.print(config, c -> new Table("TOPIC", "READ", "WRITE", "PERM", "ORDER", "RESULT")
            .row(c.name(), c.readQueues(), c.writeQueues(), permission(c.permission()), c.order(), "updated"));
    }

    @Command(name = "delete", description = "Deletes a topic and its messages from every broker and router.")
    int delete(@Option(names = "--topic", paramLabel = "<topic>", required = true,
        description = "The topic.") final String topic)
    {
        admin.withAdmin(a ->
        {
            a.deleteTopic(topic);
            return null;
        });
        return admin.print(Map.of("topic", topic, "deleted", true), m -> new Table("TOPIC", "RESULT")
            .row(topic, "deleted"));
    }

    @Command(name = "route", description = "The brokers serving a topic, as the routers see it.")
    int route(@Option(names = "--topic", paramLabel = "<topic>", required = true,
        description = "The topic.") final String topic)
    {
        final TopicRouteInfo route = admin.withAdmin(a -> a.route(topic));
        return admin.print(route, r ->
        {
            final Table table = new Table("CLUSTER", "BROKER", "READ", "WRITE", "PERM", "ADDRESSES");
            for (final RouteEntry entry : r.brokers())
            {
                table.row(entry.clusterName(), entry.brokerName(), entry.readQueues(), entry.writeQueues(),
                    permission(entry.permission()), new TreeMap<>(entry.addresses()));
            }
            return table;
        });
    }

    @Command(name = "stats", description = "Per queue: the first and next offsets and the messages held.")
    int stats(@Option(names = "--topic", paramLabel = "<topic>", required = true,
        description = "The topic.") final String topic)
    {
        final List<QueueStats> stats = admin.withAdmin(a -> a.queueStats(topic));
        return admin.print(stats, all ->
        {
            final Table table = new Table("BROKER", "QUEUE", "MIN", "MAX", "MESSAGES");
            for (final QueueStats queue : all)
            {
                table.row(queue.queue().brokerName(), queue.queue().queueId(), queue.minOffset(), queue.maxOffset(),
                    queue.maxOffset() - queue.minOffset());
            }
            return table;
        });
    }

    static String permission(final int permission)
    {
        return switch (permission)
        {
            case TopicConfig.PERM_READ_WRITE -> "rw";
            case TopicConfig.PERM_READ -> "r";
            case TopicConfig.PERM_WRITE -> "w";
            default -> "none";
        };
    }

    static int permission(final String text)
    {
        return switch (text.toLowerCase(Locale.ROOT))
        {
            case "rw", "wr" -> TopicConfig.PERM_READ_WRITE;
            case "r" -> TopicConfig.PERM_READ;
            case "w" -> TopicConfig.PERM_WRITE;
            case "none", "-" -> 0;
            default -> throw new InvalidArgumentException("--perm wants rw, r, w or none, got '" + text + "'");
        };
    }
}
