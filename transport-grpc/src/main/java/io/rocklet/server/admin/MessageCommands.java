package io.rocklet.server.admin;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.admin.MessageDetail;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code admin message id|key}.
 */
@Command(name = "message", description = "Messages: by id, by key.")
final class MessageCommands
{
    private static final int BODY_PREVIEW = 40;

    @ParentCommand
    AdminCli admin;

    @Command(name = "id", description = "The message with this id (unique id or offset id).")
    int byId(@Option(names = "--id", paramLabel = "<id>", required = true,
        description = "The message id.") final String id)
    {
        final Optional<MessageDetail> message = admin.withAdmin(a -> a.messageById(id));
        if (message.isEmpty())
        {
            throw new RockletException(ErrorCode.MESSAGE_NOT_FOUND, "no broker stores a message with id " + id);
        }
        return admin.print(message.get(), m -> table(List.of(m)));
    }

    @Command(name = "key", description = "Messages of a topic carrying a key, oldest first.")
    int byKey(
        @Option(names = "--topic", paramLabel = "<topic>", required = true,
            description = "The topic.") final String topic,
        @Option(names = "--key", paramLabel = "<key>", required = true, description = "The key.") final String key,
        @Option(names = "--begin", paramLabel = "<begin>", converter = Timestamps.class, defaultValue = "0",
            description = "Stored at or after (epoch ms or ISO-8601; default: the beginning).") final long begin,
        @Option(names = "--end", paramLabel = "<end>", converter = Timestamps.class,
            description = "Stored at or before (epoch ms or ISO-8601; default: now).") final Long end,
        @Option(names = "--max", paramLabel = "<max>", defaultValue = "32",
            description = "At most this many, the newest (default " +
            "${DEFAULT-VALUE}).") final int max)
    {
        final long until = end == null ? Long.MAX_VALUE : end;
        final List<MessageDetail> messages = admin.withAdmin(a -> a.messagesByKey(topic, key, begin, until, max));
        return admin.print(messages, MessageCommands::table);
    }

    /**
     * @return a table of messages, one line each, the body shown as text (cut to 40 characters) when it is UTF-8.
     */
    static Table table(final List<MessageDetail> messages)
    {
        final Table table = new Table("BROKER", "TOPIC", "QUEUE", "OFFSET", "MESSAGE_ID", "TAG", "KEYS", "STORED",
            "RECONSUMES", "BODY");
        for (final MessageDetail m : messages)
        {
            table.row(m.brokerName(), m.topic(), m.queueId(), m.queueOffset(), m.messageId(), m.tag(),
                String.join(",", m.keys()), Instant.ofEpochMilli(m.storeTimestampMs()), m.reconsumeTimes(),
                preview(m.body()));
        }
        return table;
    }

    private static String preview(final byte[] body)
    {
        try
        {
            final String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(body)).toString().replaceAll("\\p{Cntrl}", " ");
            return text.length() <= BODY_PREVIEW ? text : text.substring(0, BODY_PREVIEW) + "...";
        }
        catch (final CharacterCodingException e)
        {
            return "(" + body.length + " bytes, binary)";
        }
    }
}
