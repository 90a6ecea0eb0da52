package io.rocklet.examples;

import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.MessageModel;
import io.rocklet.api.Producer;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.embedded.EmbeddedRocklet;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Broadcasting: three instances of one consumer group (three clients, as three processes would be), each of which
 * must see every price update to refresh its own cache. In BROADCASTING mode every instance gets every message,
 * and each keeps its offsets in a local directory (here a temporary one) instead of on the broker.
 *
 * <p>Run: {@code java -jar examples/target/rocklet-demo.jar broadcast}.
 */
public final class Broadcast
{
    static final int INSTANCES = 3;
    static final List<String> UPDATES = List.of("apple=1.20", "pear=0.95", "plum=2.10", "fig=3.40", "kiwi=0.60");
    private static final String TOPIC = "prices";

    /**
     * What the run showed.
     *
     * @param received instance name to the updates it received.
     */
    record Outcome(Map<String, List<String>> received)
    {
    }

    private Broadcast()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        run(System.out);
    }

    static Outcome run(final PrintStream out) throws InterruptedException
    {
        final Path offsets = ExampleSupport.temporaryDirectory("rocklet-broadcast-");
        final Map<String, List<String>> received = new TreeMap<>();
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 2);
            final CountDownLatch all = new CountDownLatch(INSTANCES * UPDATES.size());
            final List<PushConsumer> instances = new ArrayList<>();
            for (int i = 1; i <= INSTANCES; i++)
            {
                final String instance = "cache-" + i;
                final List<String> seen = Collections.synchronizedList(new ArrayList<>());
                received.put(instance, seen);
                // each instance has a name of its own: it keeps its offsets under it in the shared directory
                instances.add(rocklet.newClient(instance).newPushConsumer(PushConsumerConfig.builder("price-cache")
                    .subscribe(TOPIC, "*")
                    .messageModel(MessageModel.BROADCASTING)
                    .offsetStoreDirectory(offsets)
                    .listener(messages ->
                    {
                        for (final ReceivedMessage message : messages)
                        {
                            seen.add(ExampleSupport.text(message.bodyBytes()));
                            all.countDown();
                        }
                        return ConsumeResult.SUCCESS;
                    })
                    .build()));
            }
            final Producer producer = rocklet.newProducer("pricing");
            for (final String update : UPDATES)
            {
                producer.send(Message.builder(TOPIC).body(update).build());
            }
            out.printf("sent %d price updates to one group of %d broadcasting instances%n", UPDATES.size(),
                INSTANCES);
            if (!all.await(10, TimeUnit.SECONDS))
            {
                out.printf("only %d of %d deliveries in time%n", INSTANCES * UPDATES.size() - all.getCount(),
                    INSTANCES * UPDATES.size());
            }
            instances.forEach(PushConsumer::close);
        }
        finally
        {
            ExampleSupport.deleteTree(offsets);
        }
        final Map<String, List<String>> outcome = new TreeMap<>();
        received.forEach((instance, seen) ->
        {
            final List<String> sorted = seen.stream().sorted().toList();
            outcome.put(instance, sorted);
            out.printf("  %s received %d: %s%n", instance, sorted.size(), sorted);
        });
        return new Outcome(outcome);
    }
}
