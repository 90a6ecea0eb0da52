package io.rocklet.examples;

import io.rocklet.api.ConsumeMode;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.QueueSelector;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.embedded.EmbeddedRocklet;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ordered messages (per-queue FIFO): every order goes through created, paid, shipped and delivered. The producer
 * sends each step with the order id as sharding key; its queue selector maps the key to one queue, so an order's
 * steps share a queue and keep their order there. An orderly push consumer takes each queue on one thread at a
 * time, in stored order, so every order is seen step by step although the orders' steps were sent interleaved.
 *
 * <p>Run: {@code java -jar examples/target/rocklet-demo.jar ordered}.
 */
public final class OrderedMessages
{
    static final List<String> STEPS = List.of("created", "paid", "shipped", "delivered");
    static final int ORDERS = 8;
    private static final String TOPIC = "order-events";

    /**
     * What the run showed.
     *
     * @param stepsByOrder  order id to its steps, in the order the consumer saw them.
     * @param queuesByOrder order id to the queues its steps were sent to (one each, thanks to the selector).
     */
    record Outcome(Map<String, List<String>> stepsByOrder, Map<String, List<MessageQueue>> queuesByOrder)
    {
    }

    private OrderedMessages()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        run(System.out);
    }

    static Outcome run(final PrintStream out) throws InterruptedException
    {
        final Map<String, List<String>> steps = new ConcurrentHashMap<>();
        final Map<String, List<MessageQueue>> queues = new TreeMap<>();
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 4);
            final CountDownLatch all = new CountDownLatch(ORDERS * STEPS.size());
            final PushConsumer consumer = rocklet.newPushConsumer(PushConsumerConfig.builder("fulfilment")
                .subscribe(TOPIC, "*")
                .consumeMode(ConsumeMode.ORDERLY)
                .listener(messages ->
                {
                    for (final ReceivedMessage message : messages)
                    {
                        steps.computeIfAbsent(message.keys().get(0), order -> Collections.synchronizedList(
                            new ArrayList<>())).add(ExampleSupport.text(message.bodyBytes()));
                        all.countDown();
                    }
                    return ConsumeResult.SUCCESS;
                })
                .build());

            // the selector: the same key always picks the same queue (this is what QueueSelector.HASH does)
            final QueueSelector byOrderId = (writable, orderId) ->
                writable.get(Math.floorMod(orderId.hashCode(), writable.size()));
            final Producer producer = rocklet.newProducer(ProducerConfig.builder("shop").queueSelector(byOrderId)
                .build());
            for (final String step : STEPS)
            {
                for (int i = 0; i < ORDERS; i++)
                {
                    final String orderId = "order-" + i;
                    final MessageQueue queue = producer.send(Message.builder(TOPIC).key(orderId).tag(step).body(step)
                        .build(), orderId).queue();
                    final List<MessageQueue> used = queues.computeIfAbsent(orderId, id -> new ArrayList<>());
                    if (!used.contains(queue))
                    {
                        used.add(queue);
                    }
                }
            }
            out.printf("sent %d orders x %d steps, interleaved across orders, to %d queues%n", ORDERS, STEPS.size(), 4);
            if (!all.await(10, TimeUnit.SECONDS))
            {
                out.printf("only %d of %d steps consumed in time%n", ORDERS * STEPS.size() - all.getCount(),
                    ORDERS * STEPS.size());
            }
            consumer.close();
        }
        for (final Map.Entry<String, List<MessageQueue>> order : queues.entrySet())
        {
            out.printf("  %s via %s: %s%n", order.getKey(), order.getValue(),
                String.join(" -> ", steps.getOrDefault(order.getKey(), List.of())));
        }
        final Map<String, List<String>> seen = new TreeMap<>();
        steps.forEach((order, list) -> seen.put(order, List.copyOf(list)));
        out.printf("every order consumed step by step: %s%n", seen.values().stream().allMatch(STEPS::equals) &&
            seen.size() == ORDERS);
        return new Outcome(seen, Collections.unmodifiableMap(queues));
    }
}
