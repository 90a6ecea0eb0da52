package io.rocklet.broker;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.api.spi.RouterService.BrokerRegistration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.rocklet.broker.BrokerFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Registration with the routers: at start, when topics change, periodically, and unregistration on close.
 */
@Timeout(60)
class BrokerRegistrationTest
{
    private static final BrokerIdentity IDENTITY = new BrokerIdentity("DefaultCluster", BROKER_NAME, 0, ADDRESS);

    @TempDir
    Path dir;
    BrokerFixture fixture;
    final RecordingRouter second = new RecordingRouter();

    @BeforeEach
    void setUp()
    {
        fixture = new BrokerFixture(dir);
        fixture.transport.serve("test://router-2", second);
        fixture.config.routers("test://router-2", "test://router-down").registerInterval(Duration.ofSeconds(30));
    }

    @AfterEach
    void tearDown()
    {
        fixture.close();
    }

    @Test
    void shouldRegisterWithEveryRouterWhenStarted()
    {
        final Broker broker = fixture.start();

        for (final RecordingRouter router : List.of(fixture.router, second))
        {
            assertEquals(1, router.registrations.size());
            assertEquals(IDENTITY, router.last().broker());
            assertEquals(List.of(), router.last().topics());
        }
        assertEquals(IDENTITY, await(broker.identity()));
    }

    @Test
    void shouldRegisterAgainWhenTopicsChange()
    {
        final Broker broker = fixture.start();
        final long startVersion = fixture.router.last().dataVersion();

        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 4)));
        fixture.send("auto", 0, "m");
        fixture.drain();

        final BrokerRegistration last = fixture.router.last();
        assertEquals(List.of(TopicConfig.of("auto", 4), TopicConfig.of("orders", 4)), last.topics());
        assertTrue(last.dataVersion() > startVersion);
        assertEquals(last, second.last());
        final int count = fixture.router.registrations.size();
        fixture.drain();
        assertEquals(count, fixture.router.registrations.size(), "nothing changed, nothing due");
    }

    @Test
    void shouldAnswerATopicChangeOnlyWhenTheRoutersKnowIt()
    {
        final Broker broker = fixture.start();

        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 4))); // no agent cycle in between

        assertEquals(List.of(TopicConfig.of("orders", 4)), fixture.router.last().topics());
        assertEquals(List.of(TopicConfig.of("orders", 4)), second.last().topics());
        await(broker.deleteTopic("orders"));
        assertEquals(List.of(), fixture.router.last().topics());
        final int count = fixture.router.registrations.size();
        fixture.drain();
        assertEquals(count, fixture.router.registrations.size(), "registered already, nothing due");
    }

    @Test
    void shouldRegisterPeriodicallyAsHeartbeat()
    {
        fixture.start();
        fixture.drain();

        fixture.advance(Duration.ofSeconds(29));
        fixture.drain();
        assertEquals(1, fixture.router.registrations.size());
        fixture.advance(Duration.ofSeconds(1));
        fixture.drain();
        assertEquals(2, fixture.router.registrations.size());
        fixture.advance(Duration.ofSeconds(30));
        fixture.drain();
        assertEquals(3, second.registrations.size());
    }

    @Test
    void shouldKeepDataVersionGrowingWhenBrokerRestarts()
    {
        final Broker broker = fixture.start();
        await(broker.createOrUpdateTopic(TopicConfig.of("orders", 4)));
        fixture.drain();
        final long before = fixture.router.last().dataVersion();

        fixture.restart();

        assertTrue(fixture.router.last().dataVersion() > before);
        assertEquals(List.of(TopicConfig.of("orders", 4)), fixture.router.last().topics());
    }

    @Test
    void shouldUnregisterFromEveryRouterWhenClosed()
    {
        final Broker broker = fixture.start();

        broker.close();

        assertEquals(List.of(IDENTITY), fixture.router.unregistrations);
        assertEquals(List.of(IDENTITY), second.unregistrations);
    }

    @Test
    void shouldRefuseToStartWhenAddressIsAlreadyServed()
    {
        fixture.start();

        final RockletException refused = assertThrows(RockletException.class,
            () -> Broker.start(fixture.config.storeConfig(
                io.rocklet.store.TestStores.small(dir.resolve("other")).build()).build(), fixture.transport));

        assertEquals(ErrorCode.INVALID_ARGUMENT, refused.errorCode());
    }
}
