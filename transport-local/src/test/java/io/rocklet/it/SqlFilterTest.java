package io.rocklet.it;

import io.rocklet.api.ConsumeResult;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.MessageSelector;
import io.rocklet.api.Producer;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.embedded.EmbeddedRocklet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SQL92 property filters (F16's extension) end to end under the local transport: push and pull consumers get
 * exactly the messages whose properties match; a queue whose messages all fail the filter still has its committed
 * offset moved to the end, so the group's lag reaches 0.
 */
@Timeout(90)
class SqlFilterTest
{
    private static final String TOPIC = "orders";
    private static final String EXPRESSION = "region = 'eu' AND amount > 100";

    @Test
    void shouldDeliverOnlyMatchingMessagesWhenSubscribedWithSql() throws Exception
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 2);
            final Set<String> pushed = ConcurrentHashMap.newKeySet();
            final PushConsumer push = rocklet.newClient().newPushConsumer(PushConsumerConfig.builder("g-sql-push")
                .subscribe(TOPIC, MessageSelector.sql(EXPRESSION))
                .persistOffsetInterval(Duration.ofMillis(100))
                .listener(messages ->
                {
                    messages.forEach(message -> pushed.add(new String(message.bodyBytes())));
                    return ConsumeResult.SUCCESS;
                }).build());
            final PullConsumer pull = rocklet.newClient().newPullConsumer(PullConsumerConfig.builder("g-sql-pull")
                .autoCommitInterval(Duration.ofMillis(100)).build());
            pull.subscribe(TOPIC, MessageSelector.sql("TAGS = 'paid' AND region IN ('us')"));

            final Producer producer = rocklet.newProducer("pg");
            final Set<String> expectedPush = new HashSet<>();
            final Set<String> expectedPull = new HashSet<>();
            for (int i = 0; i < 40; i++)
            {
                final String region = i % 3 == 0 ? "eu" : i % 3 == 1 ? "us" : null;
                final int amount = i * 10;
                final String tag = i % 2 == 0 ? "paid" : "open";
                final String body = "m" + i;
                final Message.Builder message = Message.builder(TOPIC).tag(tag).property("amount",
                    String.valueOf(amount)).body(body);
                if (region != null)
                {
                    message.property("region", region);
                }
                producer.send(message.build());
                if ("eu".equals(region) && amount > 100)
                {
                    expectedPush.add(body);
                }
                if ("us".equals(region) && tag.equals("paid"))
                {
                    expectedPull.add(body);
                }
            }

            final Set<String> pulled = new HashSet<>();
            Await.until(() ->
            {
                for (final ReceivedMessage message : pull.poll(Duration.ofMillis(50)))
                {
                    pulled.add(new String(message.bodyBytes()));
                }
                return pulled.containsAll(expectedPull) && pushed.containsAll(expectedPush) &&
                    rocklet.admin().progress("g-sql-push").lag(TOPIC) == 0 &&
                    rocklet.admin().progress("g-sql-pull").lag(TOPIC) == 0;
            }, () -> "pushed " + pushed + ", pulled " + pulled + ", push progress " +
                rocklet.admin().progress("g-sql-push") + ", pull progress " + rocklet.admin().progress("g-sql-pull"));
            push.close();
            pull.close();
            assertEquals(expectedPush, pushed);
            assertEquals(expectedPull, pulled);
        }
    }

    @Test
    void shouldMoveCommittedOffsetToEndWhenEveryMessageOfTheQueueFailsTheFilter() throws Exception
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic("skipped", 1);
            final Set<String> received = ConcurrentHashMap.newKeySet();
            final PushConsumer push = rocklet.newClient().newPushConsumer(PushConsumerConfig.builder("g-sql-none")
                .subscribe("skipped", MessageSelector.sql("amount > 1000"))
                .persistOffsetInterval(Duration.ofMillis(100))
                .listener(messages ->
                {
                    messages.forEach(message -> received.add(new String(message.bodyBytes())));
                    return ConsumeResult.SUCCESS;
                }).build());
            final Producer producer = rocklet.newProducer("pg");
            for (int i = 0; i < 50; i++)
            {
                producer.send(Message.builder("skipped").property("amount", String.valueOf(i)).body("m" + i).build());
            }

            Await.until(() -> rocklet.admin().progress("g-sql-none").lag("skipped") == 0 &&
                    committed(rocklet, "g-sql-none", "skipped") == 50,
                () -> "progress " + rocklet.admin().progress("g-sql-none"));
            push.close();
            assertEquals(Set.of(), received);
        }
    }

    @Test
    void shouldFailAtSubscribeWhenSqlIsMalformed() throws Exception
    {
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
            () -> PushConsumerConfig.builder("g").subscribe(TOPIC, MessageSelector.sql("region = 'eu' AND")));
        assertTrue(e.getMessage().contains("position=17"), e.getMessage());
        assertTrue(e.getMessage().contains("region = 'eu' AND"), e.getMessage());
    }

    private static long committed(final EmbeddedRocklet rocklet, final String group, final String topic)
    {
        return rocklet.admin().progress(group).queues().stream()
            .filter(queue -> queue.queue().topic().equals(topic))
            .mapToLong(queue -> Math.max(0, queue.consumerOffset())).sum();
    }
}
