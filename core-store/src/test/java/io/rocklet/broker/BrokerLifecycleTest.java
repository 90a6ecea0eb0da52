package io.rocklet.broker;

import io.rocklet.api.Message;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.PullStatus;
import io.rocklet.api.spi.BrokerService.SendRequest;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.TestStores;
import io.rocklet.store.ThreadingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.rocklet.broker.BrokerFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Starting and stopping: the dedicated agent thread with real clocks, and ephemeral stores.
 */
@Timeout(60)
class BrokerLifecycleTest
{
    @TempDir
    Path dir;

    @Test
    void shouldDeliverDelayedMessageOnItsOwnThreadWhenDedicated()
    {
        final TestTransport transport = new TestTransport();
        final BrokerConfig config = BrokerConfig.builder().brokerName("broker-d").address("test://broker-d")
            .storeConfig(TestStores.small(dir).threadingMode(ThreadingMode.DEDICATED).build())
            .delayLevels(List.of(Duration.ofMillis(20)))
            .build();
        try (Broker broker = Broker.start(config, transport))
        {
            assertTrue(agentThreadAlive("rocklet-broker-broker-d"));
            assertThrows(IllegalStateException.class, broker::doWork);
            await(broker.createOrUpdateTopic(TopicConfig.of("orders", 1)));
            final CompletableFuture<PullResult> held = broker.pull(new io.rocklet.api.spi.BrokerService.PullRequest(
                "g", "orders", 0, 0, 32, "*", 10_000));

            await(broker.send(new SendRequest("p", "p-1", Message.of("orders", "late".getBytes()), 0, 0, 1)));

            final PullResult result = await(held);
            assertEquals(PullStatus.FOUND, result.status(), "delivered by the schedule, answered by the dispatcher");
            assertEquals("late", text(result.messages().get(0)));
        }
        assertFalse(agentThreadAlive("rocklet-broker-broker-d"), "the thread stops on close");
    }

    @Test
    void shouldKeepBrokerFilesInsideEphemeralStoreAndRemoveThemOnClose()
    {
        final Path store = dir.resolve("ephemeral");
        final BrokerConfig config = BrokerConfig.builder().brokerName("broker-e").address("test://broker-e")
            .storeConfig(StoreConfig.ephemeralBuilder().directory(store).threadingMode(ThreadingMode.INVOKER).build())
            .threadingMode(ThreadingMode.INVOKER)
            .build();
        final Broker broker = Broker.start(config, new TestTransport());
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 1)));
        assertTrue(Files.exists(store.resolve("broker/topics")));

        broker.close();

        assertFalse(Files.exists(store));
    }

    @Test
    void shouldPickTemporaryDirectoryWhenEphemeralStoreHasNone()
    {
        final BrokerConfig config = BrokerConfig.builder().brokerName("broker-t").address("test://broker-t")
            .storeConfig(StoreConfig.ephemeralBuilder().threadingMode(ThreadingMode.INVOKER).build())
            .threadingMode(ThreadingMode.INVOKER)
            .build();
        try (Broker broker = Broker.start(config, new TestTransport()))
        {
            await(broker.createOrUpdateTopic(TopicConfig.of("orders", 1)));
            assertEquals(1, await(broker.topics()).size());
        }
    }

    private static boolean agentThreadAlive(final String name)
    {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
