package io.rocklet.client.admin;

import io.rocklet.api.Admin;
import io.rocklet.api.ClosedException;
import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.RockletException;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.TopicNames;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.ResetOffsetsRequest;
import io.rocklet.api.spi.RouterService.BrokerRoute;
import io.rocklet.api.spi.RouterService.ClusterInfo;
import io.rocklet.client.internal.DefaultClientContext;
import io.rocklet.client.internal.Futures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Topic and group administration. Brokers come from a router's cluster information; each operation goes
 * to the brokers' masters in parallel, each call with the client's request timeout, and fails (naming every
 * broker that failed) unless all of them succeed. Which brokers hold a topic is asked of the brokers
 * themselves, not of the routers, so a topic just created is seen at once. Synchronous; thread-safe
 * (stateless besides the client context).
 */
public final class DefaultAdmin implements Admin
{
    private static final Logger LOG = LoggerFactory.getLogger(DefaultAdmin.class);

    private final DefaultClientContext context;
    private final long timeoutNs;

    public DefaultAdmin(final DefaultClientContext context)
    {
        this.context = context;
        this.timeoutNs = context.config().requestTimeout().toNanos();
    }

    @Override
    public void createTopic(final TopicConfig topic)
    {
        checkNewTopic(topic);
        final Map<String, String> masters = masters();
        if (masters.isEmpty())
        {
            throw new RockletException(ErrorCode.NO_ROUTE, "no broker to create the topic on: topic=" + topic.name());
        }
        create(topic, masters);
    }

    @Override
    public void createTopic(final TopicConfig topic, final Collection<String> brokerNames)
    {
        checkNewTopic(topic);
        if (brokerNames == null || brokerNames.isEmpty() || brokerNames.stream().anyMatch(name -> name == null))
        {
            throw new InvalidArgumentException("cannot create topic: topic=" + topic.name() + ", brokerNames=" +
                brokerNames);
        }
        final Map<String, String> known = masters();
        final Map<String, String> chosen = new TreeMap<>();
        for (final String name : brokerNames)
        {
            final String master = known.get(name);
            if (master == null)
            {
                throw new RockletException(ErrorCode.NO_ROUTE, "unknown broker or no master: topic=" + topic.name() +
                    ", brokerName=" + name + ", knownBrokers=" + known.keySet());
            }
            chosen.put(name, master);
        }
        create(topic, chosen);
    }

    @Override
    public void deleteTopic(final String topic)
    {
        checkOpen();
        TopicNames.validate(topic);
        final Map<String, String> holders = addresses(holders(topic));
        fanOut("delete topic: topic=" + topic, holders, broker -> broker.deleteTopic(topic));
        context.invalidateRoute(topic);
        LOG.info("topic deleted: topic={}, brokers={}", topic, holders.keySet());
    }

    @Override
    public List<MessageQueue> queues(final String topic)
    {
        checkOpen();
        TopicNames.validate(topic);
        final List<MessageQueue> queues = new ArrayList<>();
        for (final Map.Entry<String, Holder> holder : holders(topic).entrySet())
        {
            final TopicConfig config = holder.getValue().config();
            for (int id = 0; id < Math.max(config.readQueues(), config.writeQueues()); id++)
            {
                queues.add(new MessageQueue(topic, holder.getKey(), id));
            }
        }
        return List.copyOf(queues);
    }

    @Override
    public Map<MessageQueue, Long> resetOffsets(final String group, final String topic, final long timestampMs)
    {
        return reset(new ResetOffsetsRequest(group, topic, ConsumeFrom.Position.TIMESTAMP, timestampMs));
    }

    @Override
    public Map<MessageQueue, Long> resetOffsets(final String group, final String topic,
        final ConsumeFrom.Position position)
    {
        if (position == null || position == ConsumeFrom.Position.TIMESTAMP)
        {
            throw new InvalidArgumentException("reset offsets: group=" + group + ", topic=" + topic + ", position=" +
                position + ", use FIRST or LAST here and resetOffsets(group, topic, timestampMs) for a time");
        }
        return reset(new ResetOffsetsRequest(group, topic, position, 0));
    }

    private Map<MessageQueue, Long> reset(final ResetOffsetsRequest request)
    {
        checkOpen();
        if (request.group() == null || !TopicNames.isValid(request.group()))
        {
            throw new InvalidArgumentException("reset offsets: illegal group=" + request.group());
        }
        TopicNames.validate(request.topic());
        final Map<String, String> holders = addresses(holders(request.topic()));
        final Map<String, Map<Integer, Long>> answers = fanOut("reset offsets: group=" + request.group() +
            ", topic=" + request.topic(), holders, broker -> broker.resetOffsets(request));
        final Map<MessageQueue, Long> offsets = new LinkedHashMap<>();
        answers.forEach((brokerName, byQueue) -> new TreeMap<>(byQueue).forEach((queueId, offset) ->
            offsets.put(new MessageQueue(request.topic(), brokerName, queueId), offset)));
        LOG.info("offsets reset: group={}, topic={}, position={}, timestampMs={}, queues={}", request.group(),
            request.topic(), request.position(), request.timestampMs(), offsets.size());
        return offsets;
    }

    private void create(final TopicConfig topic, final Map<String, String> masters)
    {
        fanOut("create topic: topic=" + topic.name(), masters, broker -> broker.createOrUpdateTopic(topic));
        context.invalidateRoute(topic.name());
        LOG.info("topic created: topic={}, readQueues={}, writeQueues={}, permission={}, brokers={}", topic.name(),
            topic.readQueues(), topic.writeQueues(), topic.permission(), masters.keySet());
    }

    /**
     * @return broker name to master address, sorted by name, from a router's cluster information.
     */
    private Map<String, String> masters()
    {
        final ClusterInfo info = Futures.await(context.routers().clusterInfo(), "query cluster info");
        final Map<String, String> masters = new TreeMap<>();
        for (final BrokerRoute broker : info.brokers().values())
        {
            if (broker.masterAddress() != null)
            {
                masters.put(broker.brokerName(), broker.masterAddress());
            }
        }
        return masters;
    }

    /**
     * @return the brokers whose masters hold {@code topic}, sorted by name.
     * @throws RockletException TOPIC_NOT_FOUND when none does.
     */
    private Map<String, Holder> holders(final String topic)
    {
        final Map<String, String> masters = masters();
        final Map<String, List<TopicConfig>> topics = fanOut("list topics: topic=" + topic, masters,
            BrokerService::topics);
        final Map<String, Holder> holders = new TreeMap<>();
        topics.forEach((name, configs) -> configs.stream().filter(config -> config.name().equals(topic)).findFirst()
            .ifPresent(config -> holders.put(name, new Holder(masters.get(name), config))));
        if (holders.isEmpty())
        {
            throw new RockletException(ErrorCode.TOPIC_NOT_FOUND, "no broker has the topic: topic=" + topic +
                ", brokers=" + masters.keySet());
        }
        return holders;
    }

    /**
     * Calls every broker in parallel and waits for all.
     *
     * @return broker name to answer.
     * @throws RockletException with the first failure's code, naming every broker that failed.
     */
    private <T> Map<String, T> fanOut(final String what, final Map<String, String> masters,
        final Function<BrokerService, CompletableFuture<T>> call)
    {
        final Map<String, CompletableFuture<T>> calls = new TreeMap<>();
        masters.forEach((name, address) -> calls.put(name, Futures.within(
            Futures.call(() -> call.apply(context.brokerAt(address))), timeoutNs,
            () -> what + ", brokerName=" + name)));
        final Map<String, T> answers = new LinkedHashMap<>();
        final Map<String, String> failures = new TreeMap<>();
        RockletException first = null;
        for (final Map.Entry<String, CompletableFuture<T>> entry : calls.entrySet())
        {
            try
            {
                answers.put(entry.getKey(), Futures.await(entry.getValue(), what));
            }
            catch (final RockletException e)
            {
                first = first == null ? e : first;
                failures.put(entry.getKey(), e.getMessage());
            }
        }
        if (first != null)
        {
            throw new RockletException(first.errorCode(), what + " failed: failedBrokers=" + failures +
                ", succeeded=" + new TreeSet<>(answers.keySet()), first);
        }
        return answers;
    }

    private static Map<String, String> addresses(final Map<String, Holder> holders)
    {
        final Map<String, String> addresses = new TreeMap<>(Comparator.naturalOrder());
        holders.forEach((name, holder) -> addresses.put(name, holder.address()));
        return addresses;
    }

    private void checkNewTopic(final TopicConfig topic)
    {
        checkOpen();
        if (topic == null)
        {
            throw new InvalidArgumentException("cannot create topic: topic=null");
        }
        if (SystemTopics.isSystem(topic.name()))
        {
            throw new InvalidArgumentException(ErrorCode.ILLEGAL_TOPIC, "cannot create a system topic: topic=" +
                topic.name());
        }
    }

    private void checkOpen()
    {
        if (context.isClosed())
        {
            throw new ClosedException("client closed: clientId=" + context.clientId());
        }
    }

    /**
     * A broker holding a topic: its master's address and its configuration of the topic.
     */
    private record Holder(String address, TopicConfig config)
    {
    }
}
