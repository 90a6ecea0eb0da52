package io.rocklet.transport.grpc;

import io.rocklet.api.spi.RouterService.BrokerRegistration;
import io.rocklet.api.spi.RouterService.BrokerRoute;
import io.rocklet.api.spi.RouterService.ClusterInfo;
import io.rocklet.api.spi.RouterService.QueueRoute;
import io.rocklet.api.spi.RouterService.RegistrationResult;
import io.rocklet.api.spi.RouterService.TopicRoute;
import io.rocklet.transport.grpc.proto.RouterProto;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static io.rocklet.transport.grpc.CommonCodec.brokerIdentity;
import static io.rocklet.transport.grpc.CommonCodec.map;
import static io.rocklet.transport.grpc.CommonCodec.required;
import static io.rocklet.transport.grpc.CommonCodec.text;

/**
 * Converts the records of {@link io.rocklet.api.spi.RouterService} to and from their protobuf form, one pair per
 * record. Stateless.
 */
final class RouterCodec
{
    private RouterCodec()
    {
    }

    static RouterProto.BrokerRegistration registration(final BrokerRegistration registration)
    {
        return RouterProto.BrokerRegistration.newBuilder()
            .setBroker(brokerIdentity(registration.broker()))
            .addAllTopics(map(registration.topics(), CommonCodec::topicConfig))
            .setDataVersion(registration.dataVersion())
            .setMasterEpoch(registration.masterEpoch())
            .build();
    }

    static BrokerRegistration registration(final RouterProto.BrokerRegistration registration)
    {
        return new BrokerRegistration(brokerIdentity(required(registration.hasBroker(), registration.getBroker(),
            "BrokerRegistration.broker")), map(registration.getTopicsList(), CommonCodec::topicConfig),
            registration.getDataVersion(), registration.getMasterEpoch());
    }

    static RouterProto.RegistrationResult registrationResult(final RegistrationResult result)
    {
        return RouterProto.RegistrationResult.newBuilder().setMasterAddress(text(result.masterAddress())).build();
    }

    static RegistrationResult registrationResult(final RouterProto.RegistrationResult result)
    {
        return new RegistrationResult(result.getMasterAddress());
    }

    static RouterProto.QueryRouteRequest queryRoute(final String topic)
    {
        return RouterProto.QueryRouteRequest.newBuilder().setTopic(text(topic)).build();
    }

    static RouterProto.TopicRoute topicRoute(final TopicRoute route)
    {
        return RouterProto.TopicRoute.newBuilder()
            .setTopic(text(route.topic()))
            .addAllQueues(map(route.queues(), RouterCodec::queueRoute))
            .addAllBrokers(map(route.brokers(), RouterCodec::brokerRoute))
            .build();
    }

    static TopicRoute topicRoute(final RouterProto.TopicRoute route)
    {
        return new TopicRoute(route.getTopic(), map(route.getQueuesList(), RouterCodec::queueRoute),
            map(route.getBrokersList(), RouterCodec::brokerRoute));
    }

    static RouterProto.ClusterInfoResult clusterInfo(final ClusterInfo info)
    {
        final RouterProto.ClusterInfoResult.Builder builder = RouterProto.ClusterInfoResult.newBuilder();
        info.clusters().forEach((cluster, brokers) -> builder.putClusters(cluster,
            RouterProto.BrokerNames.newBuilder().addAllNames(brokers).build()));
        info.brokers().forEach((name, route) -> builder.putBrokers(name, brokerRoute(route)));
        return builder.build();
    }

    static ClusterInfo clusterInfo(final RouterProto.ClusterInfoResult info)
    {
        final Map<String, Set<String>> clusters = new HashMap<>();
        info.getClustersMap().forEach((cluster, names) -> clusters.put(cluster,
            Set.copyOf(names.getNamesList())));
        final Map<String, BrokerRoute> brokers = new HashMap<>();
        info.getBrokersMap().forEach((name, route) -> brokers.put(name, brokerRoute(route)));
        return new ClusterInfo(clusters, brokers);
    }

    private static RouterProto.QueueRoute queueRoute(final QueueRoute queue)
    {
        return RouterProto.QueueRoute.newBuilder()
            .setBrokerName(text(queue.brokerName()))
            .setReadQueues(queue.readQueues())
            .setWriteQueues(queue.writeQueues())
            .setPermission(queue.permission())
            .build();
    }

    private static QueueRoute queueRoute(final RouterProto.QueueRoute queue)
    {
        return new QueueRoute(queue.getBrokerName(), queue.getReadQueues(), queue.getWriteQueues(),
            queue.getPermission());
    }

    private static RouterProto.BrokerRoute brokerRoute(final BrokerRoute route)
    {
        return RouterProto.BrokerRoute.newBuilder()
            .setClusterName(text(route.clusterName()))
            .setBrokerName(text(route.brokerName()))
            .putAllAddresses(route.addresses())
            .build();
    }

    private static BrokerRoute brokerRoute(final RouterProto.BrokerRoute route)
    {
        return new BrokerRoute(route.getClusterName(), route.getBrokerName(), route.getAddressesMap());
    }
}
