package io.rocklet.testkit;

import io.rocklet.api.Message;
import io.rocklet.api.MessageView;
import io.rocklet.api.ReceivedMessage;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Failure messages of the kit's waits, which say what was expected, what arrived and what was sent but did not:
 * {@code expected 5 messages on topic t-1 within 2 s, received 3: [...]; sent through the test kit and not
 * received: [...]}.
 */
final class Describe
{
    /** Messages listed in full; the rest are counted. */
    static final int MAX_LISTED = 20;
    private static final int MAX_BODY_CHARS = 64;

    private Describe()
    {
    }

    /**
     * @param where    {@code "on topic X"} or {@code "at a listener of topic X"}.
     * @param expected messages expected.
     * @param timeout  how long the wait was.
     * @param received what arrived.
     * @param sent     what the kit sent there (may be empty): those not received are listed.
     */
    static String timeout(final String where, final long expected, final Duration timeout,
        final List<? extends ReceivedMessage> received, final Collection<SentMessage> sent)
    {
        final StringBuilder text = new StringBuilder()
            .append("expected ").append(expected).append(expected == 1 ? " message " : " messages ").append(where)
            .append(" within ").append(duration(timeout)).append(", received ").append(received.size()).append(": ")
            .append(received(received));
        final List<SentMessage> missing = notReceived(sent, received);
        if (!missing.isEmpty())
        {
            text.append("; sent through the test kit and not received: ").append(sent(missing));
        }
        return text.toString();
    }

    /**
     * @return {@code "2 s"} for whole seconds, else {@code "250 ms"}.
     */
    static String duration(final Duration duration)
    {
        final long ms = duration.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /**
     * @return the messages, one short description each, at most {@link #MAX_LISTED}.
     */
    static String received(final List<? extends ReceivedMessage> messages)
    {
        final StringJoiner list = new StringJoiner(", ", "[", "]");
        for (int i = 0; i < messages.size() && i < MAX_LISTED; i++)
        {
            list.add(message(messages.get(i)));
        }
        if (messages.size() > MAX_LISTED)
        {
            list.add("... and " + (messages.size() - MAX_LISTED) + " more");
        }
        return list.toString();
    }

    static String message(final ReceivedMessage message)
    {
        return fields(message.topic() + "@" + message.queueId() + ":" + message.queueOffset(), message.tag(),
            message.keys(), message.bodyBytes()) + redelivery(message);
    }

    private static String sent(final List<SentMessage> messages)
    {
        final StringJoiner list = new StringJoiner(", ", "[", "]");
        for (int i = 0; i < messages.size() && i < MAX_LISTED; i++)
        {
            final SentMessage sent = messages.get(i);
            final Message message = sent.message();
            list.add(fields(message.topic() + "@" + sent.receipt().queue().queueId() + ":" +
                sent.receipt().queueOffset(), message.tag(), message.keys(), message.body()));
        }
        if (messages.size() > MAX_LISTED)
        {
            list.add("... and " + (messages.size() - MAX_LISTED) + " more");
        }
        return list.toString();
    }

    private static List<SentMessage> notReceived(final Collection<SentMessage> sent,
        final List<? extends ReceivedMessage> received)
    {
        final Set<String> receivedIds = new HashSet<>();
        for (final MessageView message : received)
        {
            receivedIds.add(message.messageId());
        }
        return sent.stream().filter(message -> !receivedIds.contains(message.receipt().messageId())).toList();
    }

    private static String fields(final String position, final String tag, final List<String> keys, final byte[] body)
    {
        final StringBuilder text = new StringBuilder(position);
        if (!tag.isEmpty())
        {
            text.append(" tag=").append(tag);
        }
        if (!keys.isEmpty())
        {
            text.append(" keys=").append(keys);
        }
        return text.append(" body=").append(body(body)).toString();
    }

    private static String redelivery(final ReceivedMessage message)
    {
        return message.reconsumeTimes() > 0 ? " reconsumeTimes=" + message.reconsumeTimes() : "";
    }

    private static String body(final byte[] body)
    {
        final String text = new String(body, StandardCharsets.UTF_8);
        final String shown = text.length() > MAX_BODY_CHARS ? text.substring(0, MAX_BODY_CHARS) + "..." : text;
        return '"' + shown.replace("\"", "\\\"") + '"' + (text.length() > MAX_BODY_CHARS ? "(" + body.length +
            " bytes)" : "");
    }
}
