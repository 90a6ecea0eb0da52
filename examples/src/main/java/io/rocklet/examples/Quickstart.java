package io.rocklet.examples;

import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.SendReceipt;
import io.rocklet.embedded.EmbeddedRocklet;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The quickstart the README's first command runs: an embedded router and broker, a producer, and a
 * push consumer that filters by tag - all in this JVM, no sockets, no files left behind.
 */
public final class Quickstart
{
    private static final int ORDERS = 20;

    private Quickstart()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final long started = System.nanoTime();
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            System.out.printf("router and broker ready in %d ms%n", (System.nanoTime() - started) / 1_000_000);
            rocklet.createTopic("orders", 4);

            final CountDownLatch paid = new CountDownLatch(ORDERS / 2);
            final PushConsumer consumer = rocklet.newPushConsumer(PushConsumerConfig.builder("billing")
                .subscribe("orders", "paid")
                .listener(messages ->
                {
                    for (final ReceivedMessage message : messages)
                    {
                        System.out.printf("  consumed %s from %s offset %d: %s%n", message.keys(), message.queue(),
                            message.queueOffset(), new String(message.bodyBytes(), StandardCharsets.UTF_8));
                        paid.countDown();
                    }
                    return ConsumeResult.SUCCESS;
                })
                .build());

            final Producer producer = rocklet.newProducer("shop");
            for (int i = 0; i < ORDERS; i++)
            {
                final Message order = Message.builder("orders")
                    .tag(i % 2 == 0 ? "paid" : "created")
                    .key("order-" + i)
                    .body("{\"order\":" + i + "}")
                    .build();
                final SendReceipt receipt = producer.send(order);
                System.out.printf("sent %s tag=%s to %s offset %d%n", order.keys(), order.tag(), receipt.queue(),
                    receipt.queueOffset());
            }

            final boolean all = paid.await(10, TimeUnit.SECONDS);
            System.out.printf("billing consumed %s 'paid' orders (the 'created' ones were filtered out by tag)%n",
                all ? "all " + ORDERS / 2 : (ORDERS / 2 - paid.getCount()) + " of " + ORDERS / 2);
            consumer.close();
        }
        System.out.printf("closed; total %d ms%n", (System.nanoTime() - started) / 1_000_000);
    }
}
