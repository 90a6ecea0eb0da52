package io.rocklet.broker;

import io.rocklet.api.Message;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService.PullStatus;
import io.rocklet.api.spi.BrokerService.SendResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.rocklet.broker.BrokerDelayTest.texts;
import static io.rocklet.broker.BrokerFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Delivery at a time through the broker (the timer): invisible until due on the injected clock, pending counts in
 * the broker's status, and a restart and a crash before due.
 */
@Timeout(60)
class BrokerTimerTest
{
    @TempDir
    Path dir;
    BrokerFixture fixture;
    BrokerFixture crashed;

    @BeforeEach
    void setUp()
    {
        fixture = new BrokerFixture(dir.resolve("a"));
    }

    @AfterEach
    void tearDown()
    {
        fixture.close();
        if (crashed != null)
        {
            crashed.close();
        }
    }

    @Test
    void shouldDeliverAtTheDeliveryTimeAndCountPendingMessagesPerTopic()
    {
        final Broker broker = fixture.start();
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 2)));
        final long t0 = fixture.clock.time();
        final SendResult sent = fixture.send(Message.builder("orders").deliverAfter(Duration.ofMillis(1_500))
            .body("after").build(), 1, 0);
        fixture.send(Message.builder("orders").deliverAt(t0 + 1_200).body("at").build(), 1, 0);
        fixture.drain();
        assertEquals(1, sent.queueId(), "the queue it will be delivered to");
        assertEquals(Map.of("orders", 2L), await(broker.status()).timedPending());

        fixture.advance(Duration.ofMillis(1_199));
        fixture.drain();
        assertEquals(PullStatus.NO_NEW_MESSAGES, fixture.pullNow("orders", 1, 0).status());
        fixture.advance(Duration.ofMillis(1));
        fixture.drain();
        assertEquals(List.of("at"), texts(fixture.pullNow("orders", 1, 0)));
        assertEquals(Map.of("orders", 1L), await(broker.status()).timedPending());
        fixture.advance(Duration.ofMillis(300));
        fixture.drain();
        assertEquals(List.of("at", "after"), texts(fixture.pullNow("orders", 1, 0)));
        assertEquals(Map.of(), await(broker.status()).timedPending());
    }

    @Test
    void shouldDeliverOnceWhenTheBrokerRestartsBeforeDue()
    {
        final Broker broker = fixture.start();
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 1)));
        fixture.send(Message.builder("orders").deliverAfter(Duration.ofMinutes(5)).body("later").build(), 0, 0);
        fixture.drain();
        fixture.restart();
        assertEquals(Map.of("orders", 1L), await(fixture.broker.status()).timedPending());
        fixture.advance(Duration.ofMinutes(5));
        fixture.drain();
        assertEquals(List.of("later"), texts(fixture.pullNow("orders", 0, 0)));
        fixture.restart();
        fixture.advance(Duration.ofHours(1));
        fixture.drain();
        assertEquals(List.of("later"), texts(fixture.pullNow("orders", 0, 0)), "delivered once");
    }

    @Test
    void shouldDeliverWhatWasPendingWhenABrokerIsReopenedWithoutACleanClose() throws IOException
    {
        final Broker broker = fixture.start();
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 1)));
        fixture.send(Message.builder("orders").deliverAfter(Duration.ofSeconds(30)).body("first").build(), 0, 0);
        fixture.advance(Duration.ofSeconds(6)); // the offsets and the timer checkpoint are written (every 5 s)
        fixture.drain();
        fixture.send(Message.builder("orders").deliverAfter(Duration.ofSeconds(1)).body("second").build(), 0, 0);
        fixture.drain();

        // the directory as a crash would leave it: copied while the broker runs, never closed
        copy(dir.resolve("a"), dir.resolve("b"));
        crashed = new BrokerFixture(dir.resolve("b"));
        crashed.clock.update(fixture.clock.time());
        crashed.start();
        crashed.advance(Duration.ofSeconds(1));
        crashed.drain();
        assertEquals(List.of("second"), texts(crashed.pullNow("orders", 0, 0)));
        crashed.advance(Duration.ofSeconds(30));
        crashed.drain();
        assertEquals(List.of("second", "first"), texts(crashed.pullNow("orders", 0, 0)));
        assertEquals(Map.of(), await(crashed.broker.status()).timedPending());
    }

    static void copy(final Path from, final Path to) throws IOException
    {
        try (Stream<Path> files = Files.walk(from))
        {
            for (final Path file : files.toList())
            {
                final Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file))
                {
                    Files.createDirectories(target);
                }
                else if (!file.getFileName().toString().equals("lock"))
                {
                    Files.copy(file, target);
                }
            }
        }
    }
}
