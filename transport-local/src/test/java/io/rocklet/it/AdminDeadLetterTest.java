package io.rocklet.it;

import io.rocklet.api.Admin;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.SendReceipt;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.admin.MessageDetail;
import io.rocklet.api.admin.ResentMessage;
import io.rocklet.embedded.EmbeddedRocklet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Retry and dead letters through {@link Admin} (F19): a failing consumer's messages land in {@code %DLQ%<group>}
 * (short delay levels: level n waits 20 n ms); the admin lists them with their origin, re-sends one, then all, to the
 * original topic where the mended consumer takes them; a message of another topic is refused, an unknown id is
 * MESSAGE_NOT_FOUND.
 */
@Timeout(60)
class AdminDeadLetterTest
{
    private static final String TOPIC = "jobs";
    private static final String GROUP = "g-dlq";

    private final List<ReceivedMessage> delivered = new CopyOnWriteArrayList<>();
    private final AtomicBoolean mended = new AtomicBoolean();

    @Test
    void shouldListDeadLettersAndReSendOneThenAllToTheOriginalTopic()
    {
        try (EmbeddedRocklet rocklet = start())
        {
            rocklet.createTopic(TOPIC, 2);
            final PushConsumer consumer = failingConsumer(rocklet);
            final Producer producer = rocklet.newProducer("pg");
            final SendReceipt first = producer.send(Message.builder(TOPIC).tag("T").key("job-1")
                .property("owner", "ops").body("poison-1").build());
            final SendReceipt second = producer.send(Message.builder(TOPIC).key("job-2").body("poison-2").build());
            final Admin admin = rocklet.admin();

            Await.until(() -> admin.deadLetters(GROUP, 10).size() == 2, () -> "dead letters " + delivered);
            final List<MessageDetail> letters = admin.deadLetters(GROUP, 10);
            assertEquals(Set.of(first.messageId(), second.messageId()), letters.stream().map(MessageDetail::messageId)
                .collect(Collectors.toSet()), "dead letters keep the ids the messages were sent with");
            final MessageDetail dead = letters.stream().filter(l -> l.bodyText().equals("poison-1")).findFirst()
                .orElseThrow();
            assertEquals(SystemTopics.dlqTopic(GROUP), dead.topic());
            assertEquals(TOPIC, dead.originTopic());
            assertEquals("T", dead.tag());
            assertEquals(List.of("job-1"), dead.keys());
            assertEquals(Map.of("owner", "ops"), dead.userProperties());
            assertEquals(2, dead.reconsumeTimes(), "delivered, redelivered once, then dead-lettered");
            assertEquals(1, admin.deadLetters(GROUP, 1).size(), "maxCount");

            mended.set(true);
            final int before = delivered.size();
            final ResentMessage one = admin.resendDeadLetter(GROUP, dead.messageId());
            assertEquals(dead.messageId(), one.deadLetterId());
            assertEquals(dead.properties().get(SystemProperties.ORIGIN_MESSAGE_ID), one.originMessageId());
            assertEquals(first.messageId(), one.receipt().messageId(), "re-sent with its id");
            assertEquals(TOPIC, one.receipt().queue().topic());
            Await.until(() -> bodies(since(before)).contains("poison-1"),
                () -> "the re-sent one is consumed: " + bodies(delivered));
            final List<MessageDetail> sentAndResent = admin.messagesByKey(TOPIC, "job-1", 0, Long.MAX_VALUE, 10);
            assertEquals(2, sentAndResent.size(), sentAndResent.toString());
            final MessageDetail copy = sentAndResent.get(1);
            assertEquals(List.of(TOPIC, "T", "poison-1", 0), List.of(copy.topic(), copy.tag(), copy.bodyText(),
                copy.reconsumeTimes()));
            assertEquals(Map.of("owner", "ops", SystemProperties.UNIQUE_ID, first.messageId()), copy.properties(),
                "user properties and the unique id only");

            final int beforeAll = delivered.size();
            final List<ResentMessage> all = admin.resendDeadLetters(GROUP);
            assertEquals(2, all.size(), "every dead letter, the one re-sent before included: " + all);
            Await.until(() -> bodies(since(beforeAll)).containsAll(List.of("poison-1",
                "poison-2")), () -> "both consumed: " + bodies(delivered));
            assertEquals(2, admin.deadLetters(GROUP, 10).size(), "the dead letters stay");
            consumer.close();
        }
    }

    @Test
    void shouldRefuseReSendingWhenTheMessageIsNoDeadLetterOfTheGroupOrUnknown()
    {
        try (EmbeddedRocklet rocklet = start())
        {
            rocklet.createTopic(TOPIC, 1);
            mended.set(true); // nothing is dead-lettered
            final PushConsumer consumer = failingConsumer(rocklet);
            final SendReceipt normal = rocklet.newProducer("pg").send(Message.builder(TOPIC).body("ok").build());
            final Admin admin = rocklet.admin();

            assertEquals(List.of(), admin.deadLetters(GROUP, 10), "a known group without dead letters");
            assertEquals(List.of(), admin.resendDeadLetters(GROUP));
            AdminExpect.invalid("not a dead letter", () -> admin.resendDeadLetter(GROUP, normal.messageId()));
            final String unknown = normal.messageId().substring(0, 8) + "0000000FFFFFFFFF";
            AdminExpect.failure(ErrorCode.MESSAGE_NOT_FOUND, "messageId=" + unknown,
                () -> admin.resendDeadLetter(GROUP, unknown));
            consumer.close();
        }
    }

    @Test
    void shouldAnswerTopicNotFoundWhenTheOriginalTopicWasDeleted()
    {
        try (EmbeddedRocklet rocklet = start())
        {
            rocklet.createTopic(TOPIC, 1);
            final PushConsumer consumer = failingConsumer(rocklet);
            rocklet.newProducer("pg").send(Message.builder(TOPIC).body("orphan").build());
            final Admin admin = rocklet.admin();
            Await.until(() -> admin.deadLetters(GROUP, 10).size() == 1, () -> "dead letters " + delivered);
            consumer.close();
            admin.deleteTopic(TOPIC);

            final String id = admin.deadLetters(GROUP, 1).get(0).messageId();
            AdminExpect.failure(ErrorCode.TOPIC_NOT_FOUND, "topic=" + TOPIC, () -> admin.resendDeadLetter(GROUP, id));
        }
    }

    private static EmbeddedRocklet start()
    {
        final List<Duration> levels = new ArrayList<>();
        for (int level = 1; level <= 18; level++)
        {
            levels.add(Duration.ofMillis(20L * level));
        }
        return EmbeddedRocklet.builder().delayLevels(levels).start();
    }

    /**
     * A consumer that fails every message (each comes once more, then goes to the DLQ) until mended.
     */
    private PushConsumer failingConsumer(final EmbeddedRocklet rocklet)
    {
        return rocklet.newClient().newPushConsumer(PushConsumerConfig.builder(GROUP)
            .subscribe(TOPIC, "*")
            .maxReconsumeTimes(1)
            .listener(messages ->
            {
                delivered.addAll(messages);
                return mended.get() ? ConsumeResult.SUCCESS : ConsumeResult.RECONSUME_LATER;
            }).build());
    }

    /** The deliveries from {@code index} on, copied first: a sub-list of the live list fails when it grows. */
    private List<ReceivedMessage> since(final int index)
    {
        final List<ReceivedMessage> all = List.copyOf(delivered);
        return all.subList(Math.min(index, all.size()), all.size());
    }

    private static List<String> bodies(final List<ReceivedMessage> messages)
    {
        return messages.stream().map(m -> new String(m.bodyBytes(), StandardCharsets.UTF_8)).toList();
    }
}
