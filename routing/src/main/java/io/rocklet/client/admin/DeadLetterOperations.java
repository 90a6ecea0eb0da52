package io.rocklet.client.admin;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.RockletException;
import io.rocklet.api.SendReceipt;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.admin.MessageDetail;
import io.rocklet.api.admin.ResentMessage;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.PullStatus;
import io.rocklet.api.spi.BrokerService.QueueOffsets;
import io.rocklet.api.spi.BrokerService.SendRequest;
import io.rocklet.api.spi.BrokerService.SendResult;
import io.rocklet.api.spi.RouterService.BrokerRoute;
import io.rocklet.api.spi.RouterService.QueueRoute;
import io.rocklet.api.spi.RouterService.TopicRoute;
import io.rocklet.client.internal.Futures;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Dead letters: lists a group's dead-letter topic {@code %DLQ%<group>} on every broker (read with plain pulls, no
 * offsets committed) and sends dead letters again to the topic they were first sent to (one send to the master of
 * a writable queue chosen by the message's original id, as producer group {@value #ADMIN_GROUP}). Thread-safe
 * (stateless).
 */
final class DeadLetterOperations
{
    /** The group the admin pulls as (nothing is committed) and re-sends as. */
    static final String ADMIN_GROUP = "rocklet-admin";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterOperations.class);
    private static final int PAGE = 256;

    private final AdminCalls calls;
    private final GroupOperations groups;
    private final MessageOperations messages;
    private final EpochClock clock = SystemEpochClock.INSTANCE;

    /** A writable queue of the original topic and its master's address. */
    private record Target(String brokerName, int queueId, String address)
    {
    }

    DeadLetterOperations(final AdminCalls calls, final GroupOperations groups, final MessageOperations messages)
    {
        this.calls = calls;
        this.groups = groups;
        this.messages = messages;
    }

    List<MessageDetail> list(final String group, final int maxCount)
    {
        AdminChecks.group(group, "dead letters");
        AdminChecks.count(maxCount, Integer.MAX_VALUE, "maxCount", "dead letters: group=" + group);
        final String dlq = SystemTopics.dlqTopic(group);
        final Map<String, String> masters = calls.masters();
        final List<MessageDetail> letters = new ArrayList<>();
        groups.known(group).forEach((broker, state) ->
        {
            if (state.topics().contains(dlq) && masters.containsKey(broker))
            {
                read(broker, masters.get(broker), dlq, maxCount, letters);
            }
        });
        letters.sort(MessageOperations.STORE_ORDER);
        return List.copyOf(letters.subList(0, Math.min(maxCount, letters.size())));
    }

    ResentMessage resend(final String group, final String messageId)
    {
        AdminChecks.group(group, "re-send dead letter");
        AdminChecks.text(messageId, "messageId", "re-send dead letter: group=" + group);
        groups.known(group);
        final List<MessageDetail> copies = messages.copies(messageId);
        if (copies.isEmpty())
        {
            throw new RockletException(ErrorCode.MESSAGE_NOT_FOUND, "cannot re-send, no broker stores the message: " +
                "messageId=" + messageId + ", group=" + group);
        }
        // a unique id names every copy of the message: re-send its latest dead letter
        final String dlq = SystemTopics.dlqTopic(group);
        MessageDetail letter = copies.get(copies.size() - 1);
        for (final MessageDetail copy : copies)
        {
            if (copy.topic().equals(dlq))
            {
                letter = copy;
            }
        }
        if (!letter.topic().equals(dlq))
        {
            throw new InvalidArgumentException("cannot re-send, not a dead letter of the group: messageId=" +
                messageId + ", group=" + group + ", topic=" + letter.topic() + ", expected=" +
                SystemTopics.dlqTopic(group));
        }
        return send(letter);
    }

    List<ResentMessage> resendAll(final String group)
    {
        final List<ResentMessage> resent = new ArrayList<>();
        for (final MessageDetail letter : list(group, Integer.MAX_VALUE))
        {
            resent.add(send(letter));
        }
        LOG.info("dead letters re-sent: group={}, count={}", group, resent.size());
        return resent;
    }

    /**
     * Reads up to {@code maxCount} messages of every queue of the dead-letter topic on one broker.
     */
    private void read(final String broker, final String address, final String dlq, final int maxCount,
        final List<MessageDetail> into)
    {
        final String what = "read dead letters: topic=" + dlq + ", brokerName=" + broker;
        final Map<Integer, QueueOffsets> queues = Futures.await(calls.call(what, address,
            service -> service.topicOffsets(dlq)), what);
        int left = maxCount;
        for (final Map.Entry<Integer, QueueOffsets> queue : new TreeMap<>(queues).entrySet())
        {
            long offset = queue.getValue().minOffset();
            while (left > 0 && offset < queue.getValue().maxOffset())
            {
                final PullRequest pull = new PullRequest(ADMIN_GROUP, dlq, queue.getKey(), offset,
                    Math.min(left, PAGE), "*", 0);
                final PullResult result = Futures.await(calls.call(what, address, service -> service.pull(pull)),
                    what);
                if (result.status() == PullStatus.OFFSET_TOO_OLD && result.minOffset() > offset)
                {
                    offset = result.minOffset(); // retention deleted the start meanwhile
                    continue;
                }
                if (result.status() != PullStatus.FOUND || result.nextOffset() <= offset)
                {
                    break;
                }
                for (int i = 0; i < result.messages().size() && left > 0; i++, left--)
                {
                    into.add(MessageDetail.of(broker, result.messages().get(i)));
                }
                offset = result.nextOffset();
            }
        }
    }

    private ResentMessage send(final MessageDetail letter)
    {
        final String topic = letter.properties().get(SystemProperties.ORIGIN_TOPIC);
        if (topic == null)
        {
            throw new InvalidArgumentException("cannot re-send, the dead letter names no origin topic: messageId=" +
                letter.messageId() + ", topic=" + letter.topic());
        }
        final String origin = letter.properties().getOrDefault(SystemProperties.ORIGIN_MESSAGE_ID, "");
        final List<Target> targets = writableQueues(topic);
        final Target target = targets.get(Math.floorMod((origin.isEmpty() ? letter.messageId() : origin).hashCode(),
            targets.size()));
        final Map<String, String> properties = new LinkedHashMap<>(letter.userProperties());
        properties.put(SystemProperties.UNIQUE_ID, letter.messageId()); // the message keeps its id
        final Message message = new Message(topic, letter.tag(), letter.keys(), properties, letter.body());
        final SendRequest request = new SendRequest(ADMIN_GROUP, calls.context().clientId(), message,
            target.queueId(), clock.time(), 0);
        final String what = "re-send dead letter: messageId=" + letter.messageId() + ", topic=" + topic +
            ", brokerName=" + target.brokerName();
        final SendResult sent = Futures.await(calls.call(what, target.address(), broker -> broker.send(request)),
            what);
        return new ResentMessage(letter.messageId(), origin, new SendReceipt(sent.messageId(),
            new MessageQueue(topic, sent.brokerName(), sent.queueId()), sent.queueOffset()));
    }

    /**
     * @return the topic's writable queues on brokers with a master, from a router (not the client's route cache).
     */
    private List<Target> writableQueues(final String topic)
    {
        final TopicRoute route = Futures.await(calls.context().routers().queryRoute(topic),
            "re-send dead letter: query route: topic=" + topic);
        final Map<String, String> masters = new TreeMap<>();
        for (final BrokerRoute broker : route.brokers())
        {
            if (broker.masterAddress() != null)
            {
                masters.put(broker.brokerName(), broker.masterAddress());
            }
        }
        final List<Target> targets = new ArrayList<>();
        for (final QueueRoute queues : route.queues())
        {
            final String address = masters.get(queues.brokerName());
            if (address != null && (queues.permission() & TopicConfig.PERM_WRITE) != 0)
            {
                for (int id = 0; id < queues.writeQueues(); id++)
                {
                    targets.add(new Target(queues.brokerName(), id, address));
                }
            }
        }
        if (targets.isEmpty())
        {
            throw new RockletException(ErrorCode.NO_ROUTE, "cannot re-send dead letter, no writable queue: topic=" +
                topic);
        }
        targets.sort((a, b) -> a.brokerName().equals(b.brokerName()) ? Integer.compare(a.queueId(), b.queueId()) :
            a.brokerName().compareTo(b.brokerName()));
        return targets;
    }
}
