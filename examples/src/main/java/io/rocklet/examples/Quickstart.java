package io.rocklet.examples;

import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.SendReceipt;
import io.rocklet.embedded.EmbeddedRocklet;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The quickstart the README's first command runs: an embedded router and broker, a producer, and a push consumer
 * that filters by tag - all in this JVM, no sockets, no files left behind.
 *
 * <p>Run: {@code java -jar examples/target/rocklet-demo.jar} (or {@code ... rocklet-demo.jar quickstart}).
 */
public final class Quickstart
{
    static final int ORDERS = 20;

    /**
     * What the run showed.
     *
     * @param consumedKeys the keys of the orders the consumer received, in the order received.
     */
    record Outcome(List<String> consumedKeys)
    {
    }

    private Quickstart()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        run(System.out);
    }

    static Outcome run(final PrintStream out) throws InterruptedException
    {
        final long started = System.nanoTime();
        final List<String> consumed = new CopyOnWriteArrayList<>();
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            out.printf("router and broker ready in %d ms%n", (System.nanoTime() - started) / 1_000_000);
            rocklet.createTopic("orders", 4);

            final CountDownLatch paid = new CountDownLatch(ORDERS / 2);
            final PushConsumer consumer = rocklet.newPushConsumer(PushConsumerConfig.builder("billing")
                .subscribe("orders", "paid")
                .listener(messages ->
                {
                    for (final ReceivedMessage message : messages)
                    {
                        out.printf("  consumed %s from %s offset %d: %s%n", message.keys(), message.queue(),
                            message.queueOffset(), ExampleSupport.text(message.bodyBytes()));
                        consumed.add(message.keys().get(0));
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
                out.printf("sent %s tag=%s to %s offset %d%n", order.keys(), order.tag(), receipt.queue(),
                    receipt.queueOffset());
            }

            final boolean all = paid.await(10, TimeUnit.SECONDS);
            out.printf("billing consumed %s 'paid' orders (the 'created' ones were filtered out by tag)%n",
                all ? "all " + ORDERS / 2 : (ORDERS / 2 - paid.getCount()) + " of " + ORDERS / 2);
            consumer.close();
        }
        out.printf("closed; total %d ms%n", (System.nanoTime() - started) / 1_000_000);
        return new Outcome(List.copyOf(consumed));
    }
}
