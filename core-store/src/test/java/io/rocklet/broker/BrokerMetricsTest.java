package io.rocklet.broker;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rocklet.api.Message;
import io.rocklet.api.metrics.MetricNames;
import io.rocklet.api.spi.BrokerService.CommitOffsetsRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.QueueOffset;
import io.rocklet.api.spi.BrokerService.SendBackRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.rocklet.broker.BrokerFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker's meters against known traffic, in a {@link SimpleMeterRegistry}.
 */
@Timeout(60)
class BrokerMetricsTest
{
    private static final Tags BROKER = Tags.of(MetricNames.TAG_CLUSTER, "DefaultCluster", MetricNames.TAG_BROKER,
        BrokerFixture.BROKER_NAME);

    @TempDir
    Path dir;
    BrokerFixture fixture;
    final MeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void setUp()
    {
        fixture = new BrokerFixture(dir);
        fixture.config.meterRegistry(registry);
    }

    @AfterEach
    void tearDown()
    {
        fixture.close();
    }

    @Test
    void shouldCountMessagesAndBytesInAndOutPerTopicWhenTrafficIsKnown()
    {
        fixture.start();
        for (int i = 0; i < 5; i++)
        {
            fixture.send("orders", 0, "0123456789");        // 10 bytes each
        }
        fixture.send("payments", 0, "abc");
        fixture.send(Message.builder("orders").body("delayed!").build(), 0, 1);
        fixture.drain();

        final PullResult pulled = fixture.pullNow("orders", 0, 0);

        assertEquals(5, pulled.messages().size());
        assertEquals(5, counter(MetricNames.MESSAGES_IN, "topic", "orders", "invocation_type", "normal"));
        assertEquals(50, counter(MetricNames.THROUGHPUT_IN, "topic", "orders", "invocation_type", "normal"));
        assertEquals(1, counter(MetricNames.MESSAGES_IN, "topic", "orders", "invocation_type", "delay"));
        assertEquals(8, counter(MetricNames.THROUGHPUT_IN, "topic", "orders", "invocation_type", "delay"));
        assertEquals(1, counter(MetricNames.MESSAGES_IN, "topic", "payments", "invocation_type", "normal"));
        assertEquals(5, registry.get(MetricNames.MESSAGE_SIZE).tags(BROKER).tags("topic", "orders",
            "invocation_type", "normal").summary().count());
        assertEquals(50, registry.get(MetricNames.MESSAGE_SIZE).tags("topic", "orders", "invocation_type", "normal")
            .summary().totalAmount());
        assertEquals(5, counter(MetricNames.MESSAGES_OUT, "topic", "orders", "consumer_group", "group-a"));
        assertEquals(50, counter(MetricNames.THROUGHPUT_OUT, "topic", "orders", "consumer_group", "group-a"));
        assertTrue(gauge(MetricNames.STORAGE_SIZE) > 0, "the log holds the messages");
        assertEquals(0, gauge(MetricNames.STORAGE_DISPATCH_LAG), "drained: everything dispatched");
    }

    @Test
    void shouldReportLagReadyAndInflightWhenAGroupConsumedPart()
    {
        fixture.start();
        for (int i = 0; i < 10; i++)
        {
            fixture.send("orders", i % 2, "m" + i); // 5 messages in each of queues 0 and 1
        }
        fixture.drain();
        await(fixture.broker.pull(new io.rocklet.api.spi.BrokerService.PullRequest("group-a", "orders", 0, 0, 4, "*",
            0)));                                     // pulls 4 of queue 0
        await(fixture.broker.commitOffsets(new CommitOffsetsRequest("group-a", List.of(
            new QueueOffset("orders", 0, 3), new QueueOffset("orders", 1, 1)))));

        final Tags group = Tags.of("topic", "orders", "consumer_group", "group-a");
        assertEquals(5 - 3 + 5 - 1, registry.get(MetricNames.CONSUMER_LAG).tags(group).gauge().value(),
            "max minus committed, both queues");
        assertEquals(5 - 4 + 5 - 1, registry.get(MetricNames.CONSUMER_READY).tags(group).gauge().value(),
            "not pulled yet");
        assertEquals(4 - 3, registry.get(MetricNames.CONSUMER_INFLIGHT).tags(group).gauge().value(),
            "pulled, not committed");

        fixture.send("orders", 1, "one more");
        fixture.drain();
        assertEquals(2 + 5, registry.get(MetricNames.CONSUMER_LAG).tags(group).gauge().value(),
            "computed when read: the new message counts");
    }

    @Test
    void shouldCountRetriesAndDeadLettersWhenRetriesAreExhausted()
    {
        final Broker broker = fixture.start();
        final String first = fixture.send("orders", 0, "fails").messageId();
        fixture.drain();

        for (int attempt = 0; attempt < 3; attempt++) // two tries allowed: the third send-back goes to the DLQ
        {
            await(broker.sendBack(new SendBackRequest("group-a", first, "orders", 0, 2)));
            fixture.drain();                           // the copy with one more try is the latest one
        }

        assertEquals(2, counter(MetricNames.SEND_TO_RETRY, "consumer_group", "group-a"));
        assertEquals(1, counter(MetricNames.SEND_TO_DLQ, "consumer_group", "group-a"));
    }

    @Test
    void shouldRemoveItsMetersWhenTheBrokerCloses()
    {
        fixture.start();
        fixture.send("orders", 0, "x");
        assertTrue(registry.find(MetricNames.MESSAGES_IN).counter() != null);

        fixture.broker.close();

        assertEquals(List.of(), registry.getMeters(), "nothing of the closed broker is left");
    }

    private double counter(final String name, final String... tags)
    {
        return registry.get(name).tags(BROKER).tags(tags).counter().count();
    }

    private double gauge(final String name)
    {
        return registry.get(name).tags(BROKER).gauge().value();
    }
}
