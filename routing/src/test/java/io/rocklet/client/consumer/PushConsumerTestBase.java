package io.rocklet.client.consumer;

import io.rocklet.api.ConsumeResult;
import io.rocklet.api.MessageListener;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import org.junit.jupiter.api.AfterEach;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What the push consumer tests share: a fake broker with topic T (2 queues), a client context on it,
 * a collecting listener, and closing everything after each test.
 */
abstract class PushConsumerTestBase
{
    static final String GROUP = "g";
    static final MessageQueue Q0 = new MessageQueue("T", "b1", 0);
    static final MessageQueue Q1 = new MessageQueue("T", "b1", 1);

    final FakeBroker broker = new FakeBroker("b1");
    final FakeClientContext context = new FakeClientContext("client-A", broker);
    final List<AutoCloseable> closeables = new ArrayList<>();
    final List<ReceivedMessage> received = new CopyOnWriteArrayList<>();

    PushConsumerTestBase()
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

    static PushConsumerConfig.Builder config(final MessageListener listener)
    {
        return PushConsumerConfig.builder(GROUP).subscribe("T", "*").listener(listener)
            .persistOffsetInterval(Duration.ofMillis(100)).longPollTimeout(Duration.ofSeconds(1))
            .suspendTime(Duration.ofMillis(50));
    }

    MessageListener collect()
    {
        return messages ->
        {
            received.addAll(messages);
            return ConsumeResult.SUCCESS;
        };
    }

    PushConsumerImpl start(final FakeClientContext ctx, final PushConsumerConfig config)
    {
        final PushConsumerImpl consumer = new PushConsumerImpl(ctx, config);
        closeables.add(consumer);
        return consumer;
    }

    FakeClientContext otherClient(final String clientId)
    {
        final FakeClientContext other = new FakeClientContext(clientId, broker);
        closeables.add(other);
        return other;
    }

    List<String> bodies()
    {
        return received.stream().map(m -> new String(m.bodyBytes(), StandardCharsets.UTF_8)).toList();
    }

    static void await(final CountDownLatch latch)
    {
        try
        {
            latch.await(30, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
