package io.rocklet.client.consumer;

import io.rocklet.api.ClientConfig;
import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeMode;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.MessageListener;
import io.rocklet.api.MessageModel;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class PushConsumerBroadcastingTest
{
    private static final String GROUP = "bg";

    private final FakeBroker broker = new FakeBroker("b1");
    private final FakeClientContext context = new FakeClientContext("client-A", broker);
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @TempDir
    Path directory;

    PushConsumerBroadcastingTest()
    {
        broker.createTopic("T", 2);
        closeables.add(context);
    }

    @AfterEach
    void tearDown() throws Exception
    {
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            closeables.get(i).close();
        }
    }

    private PushConsumerConfig.Builder config(final Path offsets, final MessageListener listener)
    {
        return PushConsumerConfig.builder(GROUP).subscribe("T", "*").listener(listener)
            .messageModel(MessageModel.BROADCASTING).consumeFrom(ConsumeFrom.FIRST).offsetStoreDirectory(offsets)
            .persistOffsetInterval(Duration.ofMillis(100)).longPollTimeout(Duration.ofSeconds(1))
            .suspendTime(Duration.ofMillis(20));
    }

    private static MessageListener into(final List<String> bodies)
    {
        return messages ->
        {
            for (final ReceivedMessage message : messages)
            {
                bodies.add(new String(message.bodyBytes(), StandardCharsets.UTF_8));
            }
            return ConsumeResult.SUCCESS;
        };
    }

    private PushConsumerImpl start(final FakeClientContext ctx, final PushConsumerConfig config)
    {
        final PushConsumerImpl consumer = new PushConsumerImpl(ctx, config);
        closeables.add(consumer);
        return consumer;
    }

    @Test
    void shouldKeepOffsetsInALocalFileAndResumeFromThemWhenRestarted() throws Exception
    {
        final List<String> bodies = new CopyOnWriteArrayList<>();
        final PushConsumerImpl first = start(context, config(directory, into(bodies)).build());
        for (int i = 0; i < 10; i++)
        {
            broker.append("T", i % 2, "", "m" + i);
        }
        Await.until(() -> bodies.size() == 10, () -> "bodies=" + bodies);
        first.close();
        final Path file = directory.resolve(ClientConfig.DEFAULT_INSTANCE_NAME).resolve(GROUP + ".offsets");
        assertTrue(Files.readString(file).contains("T\tb1\t0\t5\n"), Files.readString(file));
        assertTrue(broker.commits.isEmpty(), "broadcasting commits nothing to the broker");

        for (int i = 10; i < 14; i++)
        {
            broker.append("T", i % 2, "", "m" + i);
        }
        final List<String> resumed = new CopyOnWriteArrayList<>();
        start(context, config(directory, into(resumed)).build());

        Await.until(() -> resumed.size() == 4, () -> "resumed=" + resumed);
        Await.pause(200);
        assertEquals(Set.of("m10", "m11", "m12", "m13"), Set.copyOf(resumed));
    }

    @Test
    void shouldDeliverEveryMessageToEveryMemberWhenBroadcasting()
    {
        final FakeClientContext otherContext = new FakeClientContext("client-B", broker);
        closeables.add(otherContext);
        final List<String> first = new CopyOnWriteArrayList<>();
        final List<String> second = new CopyOnWriteArrayList<>();
        final PushConsumerImpl a = start(context, config(directory.resolve("a"), into(first)).build());
        final PushConsumerImpl b = start(otherContext, config(directory.resolve("b"), into(second))
            .consumeMode(ConsumeMode.ORDERLY).build());
        for (int i = 0; i < 20; i++)
        {
            broker.append("T", i % 2, "", "m" + i);
        }

        Await.until(() -> first.size() == 20 && second.size() == 20, () -> first.size() + "/" + second.size());

        assertEquals(2, a.assignment().size());
        assertEquals(2, b.assignment().size());
        assertEquals(Set.copyOf(first), Set.copyOf(second));
        assertEquals(null, broker.lockOwner(GROUP, "T", 0), "broadcasting orderly takes no broker lock");
    }

    @Test
    void shouldRetryLocallyThenDeadLetterWhenABroadcastMessageKeepsFailing()
    {
        final List<Integer> attempts = new CopyOnWriteArrayList<>();
        start(context, config(directory, messages ->
        {
            attempts.add(messages.get(0).reconsumeTimes());
            return ConsumeResult.RECONSUME_LATER;
        }).maxReconsumeTimes(3).build());
        final String id = broker.append("T", 0, "", "poison").offsetMessageId();

        Await.until(() -> broker.sendBacks.size() == 1, () -> "attempts=" + attempts);

        assertEquals(List.of(0, 1, 2, 3), attempts);
        assertEquals(id, broker.sendBacks.get(0).messageId());
        assertEquals(0, broker.sendBacks.get(0).maxReconsumeTimes(), "straight to the dead-letter topic");
    }
}
