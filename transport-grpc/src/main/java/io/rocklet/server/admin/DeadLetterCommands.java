package io.rocklet.server.admin;

import io.rocklet.api.admin.MessageDetail;
import io.rocklet.api.admin.ResentMessage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.List;

/**
 * {@code admin dlq list|resend}.
 */
@Command(name = "dlq", description = "Dead letters of a group: list, resend.")
final class DeadLetterCommands
{
    @ParentCommand
    AdminCli admin;

    @Command(name = "list", description = "The group's dead letters, oldest first.")
    int list(
        @Option(names = "--group", paramLabel = "<group>", required = true,
            description = "The consumer group.") final String group,
        @Option(names = "--max", paramLabel = "<max>", defaultValue = "32",
            description = "At most this many (default ${DEFAULT-VALUE}).")
        final int max)
    {
        final List<MessageDetail> letters = admin.withAdmin(a -> a.deadLetters(group, max));
        return admin.print(letters, MessageCommands::table);
    }

    @Command(name = "resend", description = "Sends dead letters again to the topic they were first sent to: " +
        "one (--id) or all of the group's.")
    int resend(
        @Option(names = "--group", paramLabel = "<group>", required = true,
            description = "The consumer group.") final String group,
        @Option(names = "--id", paramLabel = "<id>",
            description = "The dead letter's id, as dlq list shows it (default: all).")
        final String id)
    {
        final List<ResentMessage> resent = admin.withAdmin(a -> id == null ? a.resendDeadLetters(group) :
            List.of(a.resendDeadLetter(group, id)));
        return admin.print(resent, all ->
        {
            final Table table = new Table("DEAD_LETTER_ID", "ORIGIN_ID", "NEW_ID", "TOPIC", "BROKER", "QUEUE",
                "OFFSET");
            for (final ResentMessage message : all)
            {
                table.row(message.deadLetterId(), message.originMessageId(), message.receipt().messageId(),
                    message.receipt().queue().topic(), message.receipt().queue().brokerName(),
                    message.receipt().queue().queueId(), message.receipt().queueOffset());
            }
            return table;
        });
    }
}
