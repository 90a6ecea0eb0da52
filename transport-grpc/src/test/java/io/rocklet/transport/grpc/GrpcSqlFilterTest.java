package io.rocklet.transport.grpc;

import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.MessageSelector;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.RockletClient;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SQL92 property filters over gRPC: the selector travels in the pull (and the streamed push's subscribe start), the
 * broker sends only matching messages and offsets move past the others.
 */
@Timeout(120)
class GrpcSqlFilterTest
{
    @Test
    void shouldDeliverOnlyMatchingMessagesWhenSubscribedWithSqlOverGrpc() throws Exception
    {
        try (GrpcCluster cluster = GrpcCluster.mutualTls())
        {
            final RockletClient client = cluster.newClient();
            client.admin().createTopic(TopicConfig.of("orders", 2));
            final Set<String> pushed = ConcurrentHashMap.newKeySet();
            final PushConsumer push = client.newPushConsumer(PushConsumerConfig.builder("sql-push")
                .subscribe("orders", MessageSelector.sql("region = 'eu' AND amount BETWEEN 100 AND 300"))
                .persistOffsetInterval(Duration.ofMillis(100))
                .listener(messages ->
                {
                    messages.forEach(message -> pushed.add(text(message)));
                    return ConsumeResult.SUCCESS;
                }).build());
            Await.until(() -> cluster.served.watches("sql-push") == 1, () -> "no group watch on the broker");
            final PullConsumer pull = cluster.newClient().newPullConsumer(PullConsumerConfig.builder("sql-pull")
                .autoCommitInterval(Duration.ofMillis(100)).build());
            pull.subscribe("orders", MessageSelector.sql("TAGS = 'paid' AND region IS NULL"));

            final Producer producer = cluster.newClient().newProducer(ProducerConfig.builder("shop").build());
            final Set<String> expectedPush = new HashSet<>();
            final Set<String> expectedPull = new HashSet<>();
            for (int i = 0; i < 30; i++)
            {
                final String region = i % 3 == 0 ? "eu" : i % 3 == 1 ? "us" : null;
                final int amount = i * 20;
                final String tag = i % 2 == 0 ? "paid" : "open";
                final Message.Builder message = Message.builder("orders").tag(tag)
                    .property("amount", String.valueOf(amount)).body("m" + i);
                if (region != null)
                {
                    message.property("region", region);
                }
                producer.send(message.build());
                if ("eu".equals(region) && amount >= 100 && amount <= 300)
                {
                    expectedPush.add("m" + i);
                }
                if (region == null && tag.equals("paid"))
                {
                    expectedPull.add("m" + i);
                }
            }

            final Set<String> pulled = new HashSet<>();
            Await.until(() ->
            {
                for (final ReceivedMessage message : pull.poll(Duration.ofMillis(50)))
                {
                    pulled.add(text(message));
                }
                return pulled.containsAll(expectedPull) && pushed.containsAll(expectedPush) &&
                    client.admin().progress("sql-push").lag("orders") == 0 &&
                    client.admin().progress("sql-pull").lag("orders") == 0;
            }, () -> "pushed " + pushed + ", pulled " + pulled + ", push progress " +
                client.admin().progress("sql-push"));
            push.close();
            pull.close();
            assertEquals(expectedPush, pushed);
            assertEquals(expectedPull, pulled);

            // the broker itself filters: a raw pull over gRPC gets only matching messages
            final Set<String> raw = new HashSet<>();
            for (int queueId = 0; queueId < 2; queueId++)
            {
                final PullResult result = cluster.clientTransport.broker(cluster.brokerAddress()).pull(
                    new PullRequest("raw", "orders", queueId, 0, 64, "*", 0, "TAGS = 'paid' AND region IS NULL"))
                    .get(10, TimeUnit.SECONDS);
                result.messages().forEach(message -> raw.add(new String(message.bodyBytes(), StandardCharsets.UTF_8)));
            }
            assertEquals(expectedPull, raw);
        }
    }

    private static String text(final ReceivedMessage message)
    {
        return new String(message.bodyBytes(), StandardCharsets.UTF_8);
    }
}
