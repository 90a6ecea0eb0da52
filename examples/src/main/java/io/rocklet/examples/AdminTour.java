package io.rocklet.examples;

import io.rocklet.api.Admin;
import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.admin.BrokerState;
import io.rocklet.api.admin.ClusterStatus;
import io.rocklet.api.admin.ConsumerProgress;
import io.rocklet.api.admin.GroupInfo;
import io.rocklet.api.admin.GroupMember;
import io.rocklet.api.admin.MessageDetail;
import io.rocklet.api.admin.QueueProgress;
import io.rocklet.api.admin.QueueStats;
import io.rocklet.api.admin.RouterState;
import io.rocklet.api.admin.TopicInfo;
import io.rocklet.embedded.EmbeddedRocklet;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * A tour of the {@link Admin} interface on an embedded broker: topics and their queues, consumer groups with their
 * members and lag, a message found by key and by id with every property, and the cluster's routers and brokers.
 *
 * <p>Run: {@code java -jar examples/target/rocklet-demo.jar admin}.
 */
public final class AdminTour
{
    static final int ORDERS = 20;
    static final int UNREAD = 5;

    /**
     * What the run showed.
     *
     * @param topics  every topic listed.
     * @param lag     the lag of group {@code billing} on {@code orders}.
     * @param byKey   what the lookup of key {@code order-7} found.
     * @param cluster the cluster's state.
     */
    record Outcome(List<TopicInfo> topics, long lag, List<MessageDetail> byKey, ClusterStatus cluster)
    {
    }

    private AdminTour()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        run(System.out);
    }

    static Outcome run(final PrintStream out) throws InterruptedException
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            final Admin admin = rocklet.admin();
            admin.createTopic(TopicConfig.of("orders", 4));
            admin.createTopic(TopicConfig.of("audit", 1));
            final Producer producer = rocklet.newProducer("shop");
            for (int i = 0; i < ORDERS; i++)
            {
                producer.send(Message.builder("orders").tag(i % 2 == 0 ? "paid" : "created").key("order-" + i)
                    .property("customer", "c" + i % 3).body("{\"order\":" + i + "}").build());
            }
            final PushConsumer auditor = rocklet.newPushConsumer(PushConsumerConfig.builder("audit-log")
                .subscribe("audit", "*").listener(messages -> ConsumeResult.SUCCESS).build());
            readAndCommit(rocklet, "billing", ORDERS);
            for (int i = ORDERS; i < ORDERS + UNREAD; i++)
            {
                producer.send(Message.builder("orders").key("order-" + i).body("{\"order\":" + i + "}").build());
            }

            out.println("== topics");
            final List<TopicInfo> topics = admin.topics();
            topics.forEach(topic -> out.printf("  %-22s system=%-5s on %s%n", topic.name(), topic.system(),
                topic.brokers()));
            out.println("== queues of orders");
            for (final QueueStats queue : admin.queueStats("orders"))
            {
                out.printf("  %s offsets [%d, %d): %d messages%n", queue.queue(), queue.minOffset(),
                    queue.maxOffset(), queue.messageCount());
            }
            out.printf("== route of orders%n  %s%n", admin.route("orders").brokers());

            out.println("== consumer groups");
            for (final GroupInfo group : admin.groups())
            {
                out.printf("  %s: members=%s topics=%s%n", group.group(), group.clientIds(), group.topics());
            }
            for (final GroupMember member : admin.members("audit-log"))
            {
                out.printf("  member of audit-log: %s %s subscriptions=%s last heartbeat %d ms ago%n",
                    member.clientId(), member.messageModel(), member.subscriptions(),
                    member.sinceLastHeartbeat().toMillis());
            }
            final ConsumerProgress progress = admin.progress("billing");
            out.println("== progress of billing");
            for (final QueueProgress queue : progress.queues())
            {
                out.printf("  %s broker offset %d, consumer offset %d, lag %d%n", queue.queue(), queue.brokerOffset(),
                    queue.consumerOffset(), queue.lag());
            }
            out.printf("  total lag on orders: %d%n", progress.lag("orders"));

            out.println("== message by key order-7");
            final List<MessageDetail> byKey = admin.messagesByKey("orders", "order-7", 0, Long.MAX_VALUE, 10);
            byKey.forEach(message -> out.printf("  %s%n", message));
            if (!byKey.isEmpty())
            {
                final MessageDetail byId = admin.messageById(byKey.get(0).messageId()).orElseThrow();
                out.printf("== message by id %s%n  %s: properties=%s body=%s%n", byId.messageId(), byId.queue(),
                    byId.properties(), byId.bodyText());
            }

            out.println("== cluster");
            final ClusterStatus cluster = admin.clusterStatus();
            for (final RouterState router : cluster.routers())
            {
                out.printf("  router %s reachable=%s brokers=%d%n", router.address(), router.reachable(),
                    router.brokerCount());
            }
            for (final BrokerState broker : cluster.brokers())
            {
                out.printf("  broker %s/%d at %s reachable=%s topics=%d groups=%d clients=%d, heartbeat %d ms ago%n",
                    broker.brokerName(), broker.brokerId(), broker.address(), broker.reachable(), broker.topicCount(),
                    broker.groupCount(), broker.clientCount(), System.currentTimeMillis() - broker.lastHeartbeatMs());
            }
            auditor.close();
            return new Outcome(topics, progress.lag("orders"), byKey, cluster);
        }
    }

    /**
     * Reads {@code count} orders as {@code group} with a pull consumer and commits, so the group has offsets.
     */
    private static void readAndCommit(final EmbeddedRocklet rocklet, final String group, final int count)
        throws InterruptedException
    {
        try (PullConsumer consumer = rocklet.newClient().newPullConsumer(PullConsumerConfig.builder(group)
            .consumeFrom(ConsumeFrom.FIRST).autoCommit(false).build()))
        {
            consumer.assign(consumer.queues("orders"));
            final int[] read = {0};
            ExampleSupport.await(Duration.ofSeconds(10), () ->
            {
                read[0] += consumer.poll(Duration.ofMillis(100)).size();
                return read[0] >= count;
            });
            consumer.commit();
        }
    }
}
