package io.rocklet.broker;

import io.rocklet.api.Message;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.agent.AgentHost;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.PullStatus;
import io.rocklet.api.spi.BrokerService.SendRequest;
import io.rocklet.store.TestStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.rocklet.broker.BrokerFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Brokers whose agents (and their stores') run on one shared {@link AgentHost} thread: closing one leaves the others
 * running, and the host's thread ends only with the host.
 */
@Timeout(60)
class BrokerSharedHostTest
{
    @TempDir
    Path dir;

    @Test
    void shouldKeepOtherBrokerDeliveringWhenOneBrokerOnSharedHostCloses()
    {
        final TestTransport transport = new TestTransport();
        try (AgentHost host = AgentHost.start("two-brokers", AgentHost.ThreadingMode.SHARED))
        {
            final Broker first = Broker.start(config("broker-s1"), transport, host);
            final Broker second = Broker.start(config("broker-s2"), transport, host);
            assertFalse(threadAlive("rocklet-broker-broker-s1"), "no thread of the broker's own");
            assertFalse(threadAlive("rocklet-broker-broker-s2"));
            assertEquals("late-1", deliverDelayed(first));

            first.close();

            assertTrue(threadAlive("rocklet-agents-two-brokers"), "closing a broker leaves the host's thread running");
            assertEquals("late-1", deliverDelayed(second), "the other broker's and its store's agents still run");
            second.close();
            assertTrue(threadAlive("rocklet-agents-two-brokers"));
        }
        assertFalse(threadAlive("rocklet-agents-two-brokers"), "the thread ends with the host");
    }

    @Test
    void shouldRunBrokerAgentByHandWhenBrokerIsInvokerOnSharedHost()
    {
        final TestTransport transport = new TestTransport();
        try (AgentHost host = AgentHost.start("hand-driven", AgentHost.ThreadingMode.SHARED);
             Broker broker = Broker.start(BrokerConfig.builder().brokerName("broker-h").address("test://broker-h")
                 .storeConfig(TestStores.small(dir.resolve("h")).build())
                 .threadingMode(io.rocklet.store.ThreadingMode.INVOKER).build(), transport, host))
        {
            await(broker.createOrUpdateTopic(TopicConfig.of("orders", 1)));
            await(broker.send(new SendRequest("p", "p-1", Message.of("orders", "now".getBytes()), 0, 0, 0)));

            final PullResult result = await(broker.pull(new PullRequest("g", "orders", 0, 0, 32, "*", 10_000)));

            assertEquals(PullStatus.FOUND, result.status(), "the store's dispatcher runs on the host's thread");
            assertTrue(broker.doWork() >= 0, "the broker's agent runs on the caller");
        }
    }

    /** Sends a message with delay level 1 (20 ms) and returns its body once the broker's schedule delivered it. */
    private static String deliverDelayed(final Broker broker)
    {
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 1)));
        final CompletableFuture<PullResult> held = broker.pull(new PullRequest("g", "orders", 0, 0, 32, "*", 10_000));
        await(broker.send(new SendRequest("p", "p-1", Message.of("orders", "late-1".getBytes()), 0, 0, 1)));
        final PullResult result = await(held);
        assertEquals(PullStatus.FOUND, result.status(), "delivered by the schedule, answered by the dispatcher");
        return text(result.messages().get(0));
    }

    private BrokerConfig config(final String name)
    {
        return BrokerConfig.builder().brokerName(name).address("test://" + name)
            .storeConfig(TestStores.small(dir.resolve(name)).build())
            .delayLevels(List.of(Duration.ofMillis(20)))
            .build();
    }

    private static boolean threadAlive(final String name)
    {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
