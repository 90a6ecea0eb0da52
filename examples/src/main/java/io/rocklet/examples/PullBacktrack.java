package io.rocklet.examples;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.Message;
import io.rocklet.api.MessageQueue;
import io.rocklet.api.Producer;
import io.rocklet.api.PullConsumer;
import io.rocklet.api.PullConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.embedded.EmbeddedRocklet;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A pull consumer, driven by the application: it assigns itself the queues of a topic, polls, commits, and then
 * backtracks by time - {@code seekToTimestamp} moves every queue back to the first message stored at or after a
 * moment, and the next polls read again from there (replaying the afternoon's readings, not the morning's).
 *
 * <p>Run: {@code java -jar examples/target/rocklet-demo.jar pull}.
 */
public final class PullBacktrack
{
    static final int READINGS = 5;
    private static final String TOPIC = "meter-readings";
    private static final Duration POLL = Duration.ofMillis(200);

    /**
     * What the run showed.
     *
     * @param firstPass the readings of the first pass (every one).
     * @param replayed  the readings polled again after the seek to the afternoon's start time.
     */
    record Outcome(List<String> firstPass, List<String> replayed)
    {
    }

    private PullBacktrack()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        run(System.out);
    }

    static Outcome run(final PrintStream out) throws InterruptedException
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            rocklet.createTopic(TOPIC, 2);
            final Producer producer = rocklet.newProducer("meters");
            send(producer, "morning", READINGS);
            final long afternoon = ExampleSupport.nextMillisecond(); // every morning reading is stored before this
            send(producer, "afternoon", READINGS);

            try (PullConsumer consumer = rocklet.newPullConsumer(PullConsumerConfig.builder("dashboard")
                .consumeFrom(ConsumeFrom.FIRST).autoCommit(false).build()))
            {
                final List<MessageQueue> queues = consumer.queues(TOPIC);
                consumer.assign(queues);
                final List<String> firstPass = poll(consumer, 2 * READINGS);
                consumer.commit();
                out.printf("first pass read %d readings from %d queues and committed: %s%n", firstPass.size(),
                    queues.size(), firstPass);
                for (final MessageQueue queue : queues)
                {
                    out.printf("  %s committed offset %d%n", queue, consumer.committed(queue));
                }

                for (final MessageQueue queue : queues)
                {
                    consumer.seekToTimestamp(queue, afternoon);
                }
                final List<String> replayed = poll(consumer, READINGS);
                out.printf("after seeking every queue back to %d (the afternoon's start): %s%n", afternoon, replayed);
                return new Outcome(firstPass, replayed);
            }
        }
    }

    private static void send(final Producer producer, final String when, final int count)
    {
        for (int i = 1; i <= count; i++)
        {
            producer.send(Message.builder(TOPIC).tag(when).body(when + "-" + i).build());
        }
    }

    /**
     * Polls until {@code count} readings came (or 10 s passed), sorted for display.
     */
    private static List<String> poll(final PullConsumer consumer, final int count)
    {
        final List<String> read = new ArrayList<>();
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (read.size() < count && System.nanoTime() - deadline < 0)
        {
            for (final ReceivedMessage message : consumer.poll(POLL))
            {
                read.add(ExampleSupport.text(message.bodyBytes()));
            }
        }
        return read.stream().sorted().toList();
    }
}
