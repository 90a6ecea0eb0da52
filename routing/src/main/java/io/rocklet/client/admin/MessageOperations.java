package io.rocklet.client.admin;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.MessageView;
import io.rocklet.api.admin.MessageDetail;
import io.rocklet.api.spi.BrokerService.KeyQuery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Message lookups: by id (every broker is asked; the id's owner answers) and by key within a time range (every
 * broker holding the topic). Thread-safe (stateless).
 */
final class MessageOperations
{
    /** Oldest first; ties by broker and queue position. */
    static final Comparator<MessageDetail> STORE_ORDER = Comparator.comparingLong(MessageDetail::storeTimestampMs)
        .thenComparing(MessageDetail::brokerName).thenComparingInt(MessageDetail::queueId)
        .thenComparingLong(MessageDetail::queueOffset);

    private final AdminCalls calls;

    MessageOperations(final AdminCalls calls)
    {
        this.calls = calls;
    }

    Optional<MessageDetail> byId(final String messageId)
    {
        AdminChecks.text(messageId, "messageId", "message by id");
        final Map<String, List<MessageView>> answers = calls.fanOut("message by id: messageId=" + messageId,
            calls.masters(), broker -> broker.messageById(messageId));
        for (final Map.Entry<String, List<MessageView>> answer : answers.entrySet())
        {
            if (!answer.getValue().isEmpty())
            {
                return Optional.of(MessageDetail.of(answer.getKey(), answer.getValue().get(0)));
            }
        }
        return Optional.empty();
    }

    List<MessageDetail> byKey(final String topic, final String key, final long beginTimestampMs,
        final long endTimestampMs, final int maxCount)
    {
        final String what = "messages by key: topic=" + topic + ", key=" + key;
        AdminChecks.topic(topic);
        AdminChecks.text(key, "key", what);
        AdminChecks.timestamp(beginTimestampMs, "beginTimestampMs", what);
        AdminChecks.timestamp(endTimestampMs, "endTimestampMs", what);
        if (endTimestampMs < beginTimestampMs)
        {
            throw new InvalidArgumentException(what + ": illegal endTimestampMs=" + endTimestampMs +
                ", must not be before beginTimestampMs=" + beginTimestampMs);
        }
        AdminChecks.count(maxCount, AdminChecks.MAX_KEY_QUERY_COUNT, "maxCount", what);
        final KeyQuery query = new KeyQuery(topic, key, beginTimestampMs, endTimestampMs, maxCount);
        final Map<String, List<MessageView>> answers = calls.fanOut(what, AdminCalls.addresses(calls.holders(topic)),
            broker -> broker.messagesByKey(query));
        final List<MessageDetail> found = new ArrayList<>();
        answers.forEach((broker, views) -> views.forEach(view -> found.add(MessageDetail.of(broker, view))));
        found.sort(STORE_ORDER);
        return List.copyOf(found.subList(Math.max(0, found.size() - maxCount), found.size()));
    }
}
