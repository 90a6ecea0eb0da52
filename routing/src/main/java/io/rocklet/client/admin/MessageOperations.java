package io.rocklet.client.admin;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.MessageView;
import io.rocklet.api.admin.MessageDetail;
import io.rocklet.api.UniqueMessageIds;
import io.rocklet.api.spi.BrokerService.KeyQuery;
import io.rocklet.api.spi.BrokerService.RecallRequest;
import io.rocklet.api.spi.BrokerService.RecallStatus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Message lookups: by id, offset or unique (every broker is asked; those storing it answer) and by key within a time range (every
 * broker holding the topic). Thread-safe (stateless).
 */
final class MessageOperations
{
    /**
     * Oldest first: by store time, then by log position (a broker's order for messages of one millisecond, whatever
     * their queues), then by broker.
     */
    static final Comparator<MessageDetail> STORE_ORDER = Comparator.comparingLong(MessageDetail::storeTimestampMs)
        .thenComparingLong(MessageDetail::logOffset).thenComparing(MessageDetail::brokerName);

    private final AdminCalls calls;

    MessageOperations(final AdminCalls calls)
    {
        this.calls = calls;
    }

    /**
     * @return the message with this offset id, or the oldest stored copy (the one sent) of the message with this
     *     unique id.
     */
    Optional<MessageDetail> byId(final String messageId)
    {
        final List<MessageDetail> copies = copies(messageId);
        return copies.isEmpty() ? Optional.empty() : Optional.of(copies.get(0));
    }

    /**
     * @return every stored copy of the message with this id on any broker (one for an offset id; for a unique id
     *     the one sent, its retries and dead letters), oldest first.
     */
    List<MessageDetail> copies(final String messageId)
    {
        AdminChecks.text(messageId, "messageId", "message by id");
        final Map<String, List<MessageView>> answers = calls.fanOut("message by id: messageId=" + messageId,
            calls.masters(), broker -> broker.messageById(messageId));
        final List<MessageDetail> found = new ArrayList<>();
        answers.forEach((broker, views) -> views.forEach(view -> found.add(MessageDetail.of(broker, view))));
        found.sort(STORE_ORDER);
        return found;
    }

    /**
     * @return true when one of the brokers holding the topic recalled the message.
     */
    boolean recall(final String topic, final String messageId)
    {
        final String what = "recall: topic=" + topic + ", messageId=" + messageId;
        AdminChecks.topic(topic);
        if (!UniqueMessageIds.isUniqueId(messageId))
        {
            throw new InvalidArgumentException(what + ": illegal messageId (a unique id of " +
                UniqueMessageIds.LENGTH + " hex digits)");
        }
        final RecallRequest request = new RecallRequest(topic, messageId);
        final Map<String, RecallStatus> answers = calls.fanOut(what, AdminCalls.addresses(calls.holders(topic)),
            broker -> broker.recall(request));
        return answers.containsValue(RecallStatus.RECALLED);
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
