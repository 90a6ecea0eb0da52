package io.rocklet.broker;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.ThreadingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(30)
class BrokerConfigTest
{
    @TempDir
    Path dir;

    @Test
    void shouldUseRocketMqDefaultsWhenOnlyRequiredValuesAreGiven()
    {
        final StoreConfig store = StoreConfig.builder(dir).build();
        final BrokerConfig config = required(store).build();

        assertEquals("DefaultCluster", config.clusterName());
        assertEquals(0, config.brokerId());
        assertEquals(List.of(), config.routerAddresses());
        assertEquals(dir.resolve("broker"), config.dataDirectory());
        assertTrue(config.autoCreateTopicEnable());
        assertEquals(4, config.autoCreateTopicQueues());
        assertEquals(4 * 1024 * 1024, config.maxBodyBytes());
        assertEquals(Duration.ofSeconds(30), config.registerInterval());
        assertEquals(Duration.ofSeconds(120), config.clientExpiry());
        assertEquals(Duration.ofSeconds(60), config.queueLockExpiry());
        assertEquals(10_000, config.longPollMaxHeld());
        assertEquals(Duration.ofSeconds(5), config.offsetPersistInterval());
        assertEquals(18, config.delayLevels().size());
        assertEquals(Duration.ofSeconds(1), config.delayLevels().get(0));
        assertEquals(Duration.ofHours(2), config.delayLevels().get(17));
        assertSame(store.clock(), config.clock());
        assertSame(store.nanoClock(), config.nanoClock());
        assertEquals(ThreadingMode.DEDICATED, config.threadingMode());
        assertEquals(config, config.toBuilder().build());
    }

    @Test
    void shouldCapDefaultBodyLimitAtTheStoresLimit()
    {
        final StoreConfig store = StoreConfig.builder(dir).maxBodyBytes(1000).build();

        assertEquals(1000, required(store).build().maxBodyBytes());
        assertThrows(InvalidArgumentException.class, () -> required(store).maxBodyBytes(1001).build());
    }

    @Test
    void shouldLeaveDataDirectoryUnsetWhenEphemeralStoreHasNoDirectory()
    {
        assertNull(required(StoreConfig.ephemeralBuilder().build()).build().dataDirectory());
    }

    @Test
    void shouldNameTheSettingWhenAValueIsIllegal()
    {
        final StoreConfig store = StoreConfig.builder(dir).build();

        assertMessage("brokerName", () -> BrokerConfig.builder().address("a").storeConfig(store).build());
        assertMessage("brokerName", () -> required(store).brokerName("bad name").build());
        assertMessage("address", () -> required(store).address(" ").build());
        assertMessage("storeConfig", () -> required(store).storeConfig(null).build());
        assertMessage("brokerId", () -> required(store).brokerId(1).build());
        assertMessage("registerInterval", () -> required(store).registerInterval(Duration.ZERO).build());
        assertMessage("clientExpiry", () -> required(store).clientExpiry(null).build());
        assertMessage("longPollMaxHeld", () -> required(store).longPollMaxHeld(-1).build());
        assertMessage("delayLevels", () -> required(store).delayLevels(List.of()).build());
        assertMessage("delayLevels", () -> required(store).delayLevels(List.of(Duration.ofSeconds(-1))).build());
        assertMessage("autoCreateTopicQueues", () -> required(store).autoCreateTopicQueues(0).build());
        assertMessage("threadingMode", () -> required(store).threadingMode(ThreadingMode.SHARED).build());
        assertMessage("routerAddresses", () -> required(store).routers("").build());
    }

    private static void assertMessage(final String setting, final org.junit.jupiter.api.function.Executable build)
    {
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class, build);
        assertTrue(e.getMessage().contains(setting), e.getMessage());
    }

    private static BrokerConfig.Builder required(final StoreConfig store)
    {
        return BrokerConfig.builder().brokerName("broker-a").address("local://broker-a").storeConfig(store);
    }
}
