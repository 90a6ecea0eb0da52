package io.rocklet.it;

import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.embedded.EmbeddedRocklet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(60)
class PushConsumerSmokeTest
{
    @Test
    void shouldDeliverSentMessagesToAPushConsumer() throws Exception
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic("orders", 4);
            final Set<String> received = ConcurrentHashMap.newKeySet();
            final CountDownLatch all = new CountDownLatch(100);
            final PushConsumer consumer = rocklet.newPushConsumer(PushConsumerConfig.builder("cg")
                .subscribe("orders", "*").listener(messages ->
                {
                    messages.forEach(m ->
                    {
                        if (received.add(m.messageId()))
                        {
                            all.countDown();
                        }
                    });
                    return ConsumeResult.SUCCESS;
                }).build());
            final Producer producer = rocklet.newProducer("pg");
            for (int i = 0; i < 100; i++)
            {
                producer.send(Message.builder("orders").body("m" + i).build());
            }
            assertTrue(all.await(30, TimeUnit.SECONDS), "received " + received.size());
            consumer.close();
        }
    }
}
