package io.rocklet.server.admin;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.admin.ConsumerProgress;
import io.rocklet.api.admin.GroupInfo;
import io.rocklet.api.admin.GroupMember;
import io.rocklet.api.admin.QueueProgress;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code admin group list|members|progress|reset-offset}.
 */
@Command(name = "group", description = "Consumer groups: list, members, " +
    "progress (lag per queue), reset-offset.")
final class GroupCommands
{
    private static final Comparator<MessageQueue> QUEUE_ORDER = Comparator.comparing(MessageQueue::topic)
        .thenComparing(MessageQueue::brokerName).thenComparingInt(MessageQueue::queueId);

    @ParentCommand
    AdminCli admin;

    /** Where a reset moves the offsets: exactly one of the two. */
    static final class Target
    {
        @Option(names = "--to", paramLabel = "<to>",
            description = "FIRST (the first retained message) or LAST (the end).")
        String position;

        @Option(names = "--timestamp", paramLabel = "<timestamp>", converter = Timestamps.class,
            description = "The first message stored at or after this time: epoch milliseconds or ISO-8601 " +
                "(2026-12-06T10:00:00Z).")
        Long timestampMs;
    }

    @Command(name = "list", description = "Every consumer group the brokers know.")
    int list()
    {
        final List<GroupInfo> groups = admin.withAdmin(a -> a.groups());
        return admin.print(groups, all ->
        {
            final Table table = new Table("GROUP", "CLIENTS", "TOPICS", "BROKERS");
            for (final GroupInfo group : all)
            {
                table.row(group.group(), group.clientIds().size(), String.join(",", group.topics()),
                    String.join(",", group.brokers()));
            }
            return table;
        });
    }

    @Command(name = "members", description = "A group's live members and their subscriptions.")
    int members(@Option(names = "--group", paramLabel = "<group>", required = true,
        description = "The consumer group.") final String group)
    {
        final List<GroupMember> members = admin.withAdmin(a -> a.members(group));
        return admin.print(members, all ->
        {
            final Table table = new Table("CLIENT", "MODEL", "FROM", "SUBSCRIPTIONS", "LAST_HEARTBEAT_MS");
            for (final GroupMember member : all)
            {
                table.row(member.clientId(), member.messageModel(), member.consumeFrom().position(),
                    new TreeMap<>(member.subscriptions()), member.sinceLastHeartbeat().toMillis());
            }
            return table;
        });
    }

    @Command(name = "progress", description = "Per queue: the broker's offsets, the group's offset and the lag.")
    int progress(@Option(names = "--group", paramLabel = "<group>", required = true,
        description = "The consumer group.") final String group)
    {
        final ConsumerProgress progress = admin.withAdmin(a -> a.progress(group));
        return admin.print(progress, p ->
        {
            final Table table = new Table("TOPIC", "BROKER", "QUEUE", "MIN", "BROKER_OFFSET", "CONSUMER_OFFSET",
                "LAG");
            long lag = 0;
            for (final QueueProgress queue : p.queues().stream()
                .sorted(Comparator.comparing(QueueProgress::queue, QUEUE_ORDER)).toList())
            {
                table.row(queue.queue().topic(), queue.queue().brokerName(), queue.queue().queueId(),
                    queue.minOffset(), queue.brokerOffset(), queue.consumerOffset(), queue.lag());
                lag += queue.lag();
            }
            table.row("(total)", "", "", "", "", "", lag);
            return table;
        });
    }

    @Command(name = "reset-offset", description = "Moves a clustering group's offsets of a topic (members follow " +
        "at once).")
    int resetOffset(
        @Option(names = "--group", paramLabel = "<group>", required = true,
            description = "The consumer group.") final String group,
        @Option(names = "--topic", paramLabel = "<topic>", required = true,
            description = "The topic.") final String topic,
        @ArgGroup(exclusive = true, multiplicity = "1") final Target target)
    {
        final Map<MessageQueue, Long> offsets = admin.withAdmin(a -> target.timestampMs != null ?
            a.resetOffsets(group, topic, target.timestampMs) : a.resetOffsets(group, topic, position(target.position)));
        final Map<String, Long> byQueue = new TreeMap<>();
        offsets.forEach((queue, offset) -> byQueue.put(queue.brokerName() + "/" + queue.queueId(), offset));
        return admin.print(byQueue, all ->
        {
            final Table table = new Table("QUEUE", "NEW_OFFSET");
            all.forEach(table::row);
            return table;
        });
    }

    private static ConsumeFrom.Position position(final String text)
    {
        return switch (text.toUpperCase(Locale.ROOT))
        {
            case "FIRST" -> ConsumeFrom.Position.FIRST;
            case "LAST" -> ConsumeFrom.Position.LAST;
            default -> throw new InvalidArgumentException("--to wants FIRST or LAST, got '" + text + "'");
        };
    }
}
