package io.rocklet.client.admin;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.admin.QueueStats;
import io.rocklet.api.admin.RouteEntry;
import io.rocklet.api.admin.TopicInfo;
import io.rocklet.api.admin.TopicRouteInfo;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.QueueOffsets;
import io.rocklet.api.spi.RouterService.BrokerRoute;
import io.rocklet.api.spi.RouterService.QueueRoute;
import io.rocklet.api.spi.RouterService.TopicRoute;
import io.rocklet.client.admin.AdminCalls.Holder;
import io.rocklet.client.internal.Futures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Topic administration: create, update, delete, list, route, queues and their offsets. Thread-safe (stateless).
 */
final class TopicOperations
{
    private static final Logger LOG = LoggerFactory.getLogger(TopicOperations.class);

    private final AdminCalls calls;

    TopicOperations(final AdminCalls calls)
    {
        this.calls = calls;
    }

    void create(final TopicConfig topic)
    {
        AdminChecks.userTopic(topic, "create");
        final Map<String, String> masters = calls.masters();
        if (masters.isEmpty())
        {
            throw new RockletException(ErrorCode.NO_ROUTE, "no broker to create the topic on: topic=" + topic.name());
        }
        put("create", topic, masters);
    }

    void create(final TopicConfig topic, final Collection<String> brokerNames)
    {
        AdminChecks.userTopic(topic, "create");
        if (brokerNames == null || brokerNames.isEmpty() || brokerNames.stream().anyMatch(name -> name == null))
        {
            throw new InvalidArgumentException("cannot create topic: topic=" + topic.name() + ", brokerNames=" +
                brokerNames);
        }
        final Map<String, String> known = calls.masters();
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
        put("create", topic, chosen);
    }

    void update(final TopicConfig topic)
    {
        AdminChecks.userTopic(topic, "update");
        put("update", topic, AdminCalls.addresses(calls.holders(topic.name())));
    }

    void delete(final String topic)
    {
        AdminChecks.topic(topic);
        final Map<String, String> holders = AdminCalls.addresses(calls.holders(topic));
        calls.fanOut("delete topic: topic=" + topic, holders, broker -> broker.deleteTopic(topic));
        calls.context().invalidateRoute(topic);
        LOG.info("topic deleted: topic={}, brokers={}", topic, holders.keySet());
    }

    List<TopicInfo> topics()
    {
        final Map<String, List<TopicConfig>> answers = calls.fanOut("list topics", calls.masters(),
            BrokerService::topics);
        final Map<String, Map<String, TopicConfig>> byTopic = new TreeMap<>();
        answers.forEach((broker, configs) -> configs.forEach(config ->
            byTopic.computeIfAbsent(config.name(), name -> new TreeMap<>()).put(broker, config)));
        final List<TopicInfo> topics = new ArrayList<>(byTopic.size());
        byTopic.forEach((name, brokers) -> topics.add(new TopicInfo(name, brokers)));
        return topics;
    }

    TopicRouteInfo route(final String topic)
    {
        AdminChecks.topic(topic);
        calls.checkOpen();
        final TopicRoute route = Futures.await(calls.context().routers().queryRoute(topic),
            "query route: topic=" + topic);
        final Map<String, BrokerRoute> brokers = new HashMap<>();
        route.brokers().forEach(broker -> brokers.put(broker.brokerName(), broker));
        final List<RouteEntry> entries = new ArrayList<>();
        for (final QueueRoute queues : route.queues())
        {
            final BrokerRoute broker = brokers.get(queues.brokerName());
            entries.add(new RouteEntry(broker == null ? "" : broker.clusterName(), queues.brokerName(),
                queues.readQueues(), queues.writeQueues(), queues.permission(),
                broker == null ? Map.of() : broker.addresses()));
        }
        entries.sort(Comparator.comparing(RouteEntry::brokerName));
        return new TopicRouteInfo(topic, entries);
    }

    List<MessageQueue> queues(final String topic)
    {
        AdminChecks.topic(topic);
        final List<MessageQueue> queues = new ArrayList<>();
        for (final Map.Entry<String, Holder> holder : calls.holders(topic).entrySet())
        {
            final TopicConfig config = holder.getValue().config();
            for (int id = 0; id < Math.max(config.readQueues(), config.writeQueues()); id++)
            {
                queues.add(new MessageQueue(topic, holder.getKey(), id));
            }
        }
        return List.copyOf(queues);
    }

    List<QueueStats> queueStats(final String topic)
    {
        AdminChecks.topic(topic);
        final Map<String, Map<Integer, QueueOffsets>> answers = calls.fanOut("queue stats: topic=" + topic,
            AdminCalls.addresses(calls.holders(topic)), broker -> broker.topicOffsets(topic));
        final List<QueueStats> stats = new ArrayList<>();
        answers.forEach((broker, queues) -> new TreeMap<>(queues).forEach((queueId, offsets) ->
            stats.add(new QueueStats(new MessageQueue(topic, broker, queueId), offsets.minOffset(),
                offsets.maxOffset()))));
        return List.copyOf(stats);
    }

    private void put(final String operation, final TopicConfig topic, final Map<String, String> brokers)
    {
        calls.fanOut(operation + " topic: topic=" + topic.name(), brokers,
            broker -> broker.createOrUpdateTopic(topic));
        calls.context().invalidateRoute(topic.name());
        LOG.info("topic {}d: topic={}, readQueues={}, writeQueues={}, permission={}, brokers={}", operation,
            topic.name(), topic.readQueues(), topic.writeQueues(), topic.permission(), brokers.keySet());
    }
}
