package io.rocklet.it;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.Producer;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.embedded.EmbeddedRocklet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Tag filtering (F16): the broker filters by tag hash, the client checks exactly. {@code "A || B"} gets
 * exactly the A and B messages, {@code "*"} everything (tagless messages included), a tag whose hash
 * collides with another's gets only its own; filtered messages count as consumed, so the group's committed
 * offsets reach the end of the queues.
 */
@Timeout(90)
class TagFilterTest
{
    private static final String TOPIC = "events";

    @Test
    void shouldDeliverExactlyTheSubscribedTagsWhenGroupsFilterDifferently() throws Exception
    {
        assertEquals("Aa".hashCode(), "BB".hashCode(), "the collision this test relies on");
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 2);
            final Map<String, Set<String>> received = new HashMap<>();
            final List<PushConsumer> consumers = new ArrayList<>();
            for (final String expression : List.of("A || B", "*", "Aa"))
            {
                final Set<String> ids = ConcurrentHashMap.newKeySet();
                received.put(expression, ids);
                consumers.add(rocklet.newClient().newPushConsumer(PushConsumerConfig.builder(group(expression))
                    .subscribe(TOPIC, expression)
                    .persistOffsetInterval(Duration.ofMillis(100))
                    .listener(messages ->
                    {
                        messages.forEach(message -> ids.add(message.messageId() + "/" + message.tag()));
                        return ConsumeResult.SUCCESS;
                    }).build()));
            }

            final Producer producer = rocklet.newProducer("pg");
            final Map<String, Set<String>> sentByTag = new HashMap<>();
            for (int i = 0; i < 20; i++)
            {
                for (final String tag : List.of("A", "B", "C", "", "BB", "Aa"))
                {
                    final String id = producer.send(Message.builder(TOPIC).tag(tag).body(tag + i).build()).messageId();
                    sentByTag.computeIfAbsent(tag, t -> new HashSet<>()).add(id + "/" + tag);
                }
            }
            final Set<String> all = new HashSet<>();
            sentByTag.values().forEach(all::addAll);
            final Set<String> aOrB = new HashSet<>(sentByTag.get("A"));
            aOrB.addAll(sentByTag.get("B"));
            final Map<String, Set<String>> expected = Map.of("A || B", aOrB, "*", all, "Aa", sentByTag.get("Aa"));

            for (final String expression : expected.keySet())
            {
                final Set<String> ids = received.get(expression);
                Await.until(() -> ids.containsAll(expected.get(expression)),
                    () -> expression + " received " + ids.size());
            }
            try (RockletClient client = rocklet.newClient())
            {
                for (final String expression : expected.keySet())
                {
                    awaitCommittedAtEnd(rocklet, client, group(expression));
                }
            }
            consumers.forEach(PushConsumer::close);
            for (final String expression : expected.keySet())
            {
                assertEquals(expected.get(expression), received.get(expression), "received under " + expression);
            }
        }
    }

    @Test
    void shouldMoveCommittedOffsetsPastFilteredOutMessagesPromptlyWhenAQueueHoldsNothingElse() throws Exception
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic("filtered", 1);
            final Set<String> received = ConcurrentHashMap.newKeySet();
            final PushConsumer push = rocklet.newClient().newPushConsumer(PushConsumerConfig.builder("g-push-a")
                .subscribe("filtered", "A")
                .persistOffsetInterval(Duration.ofMillis(100))
                .listener(messages ->
                {
                    messages.forEach(message -> received.add(message.tag()));
                    return ConsumeResult.SUCCESS;
                }).build());
            final PullConsumer pull = rocklet.newClient().newPullConsumer(PullConsumerConfig.builder("g-pull-a")
                .autoCommitInterval(Duration.ofMillis(100)).build());
            pull.subscribe("filtered", "A");
            final Producer producer = rocklet.newProducer("pg");
            for (int i = 0; i < 5; i++)
            {
                producer.send(Message.builder("filtered").tag("B").body("b" + i).build());
            }

            // well within the 15 s a held pull waits: the broker answers NO_MATCHED_MESSAGE at once
            final Duration prompt = Duration.ofSeconds(8);
            Await.until(prompt, () -> rocklet.admin().progress("g-push-a").lag("filtered") == 0 &&
                committedTotal(rocklet, "g-push-a") == 5, () -> "push: " + rocklet.admin().progress("g-push-a"));
            Await.until(prompt, () ->
            {
                assertEquals(List.of(), pull.poll(Duration.ofMillis(20)), "nothing matches A");
                return rocklet.admin().progress("g-pull-a").lag("filtered") == 0 &&
                    committedTotal(rocklet, "g-pull-a") == 5;
            }, () -> "pull: " + rocklet.admin().progress("g-pull-a"));
            push.close();
            pull.close();
            assertEquals(Set.of(), received, "nothing matches A");

            // the group restarted with another tag does not get what it had already passed
            final Set<String> afterRestart = ConcurrentHashMap.newKeySet();
            final PushConsumer restarted = rocklet.newClient().newPushConsumer(PushConsumerConfig.builder("g-push-a")
                .subscribe("filtered", "B")
                .consumeFrom(ConsumeFrom.FIRST)
                .listener(messages ->
                {
                    messages.forEach(message -> afterRestart.add(new String(message.bodyBytes())));
                    return ConsumeResult.SUCCESS;
                }).build());
            producer.send(Message.builder("filtered").tag("B").body("new").build());
            Await.until(() -> afterRestart.contains("new"), () -> "received " + afterRestart);
            restarted.close();
            assertEquals(Set.of("new"), afterRestart, "only what was sent after the restart");
        }
    }

    private static long committedTotal(final EmbeddedRocklet rocklet, final String group)
    {
        return rocklet.admin().progress(group).queues().stream()
            .filter(queue -> queue.queue().topic().equals("filtered"))
            .mapToLong(queue -> Math.max(0, queue.consumerOffset())).sum();
    }

    private static String group(final String expression)
    {
        return switch (expression)
        {
            case "A || B" -> "g-a-or-b";
            case "*" -> "g-all";
            default -> "g-aa";
        };
    }

    /**
     * The group's committed offsets reach the end of every queue: filtered messages do not hold them back.
     */
    private static void awaitCommittedAtEnd(final EmbeddedRocklet rocklet, final RockletClient client,
        final String group) throws Exception
    {
        try (PullConsumer reader = client.newPullConsumer(PullConsumerConfig.builder(group).autoCommit(false).build()))
        {
            for (final MessageQueue queue : reader.queues(TOPIC))
            {
                final BrokerService.QueueOffsets offsets = rocklet.broker().queueOffsets(TOPIC, queue.queueId())
                    .get(5, TimeUnit.SECONDS);
                Await.until(() -> reader.committed(queue) == offsets.maxOffset(),
                    () -> group + " committed " + reader.committed(queue) + " of " + offsets.maxOffset() + " on " +
                        queue);
            }
        }
    }
}
