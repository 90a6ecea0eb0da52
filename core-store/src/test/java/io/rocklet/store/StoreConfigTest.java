package io.rocklet.store;

import io.rocklet.api.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.*;

class StoreConfigTest
{
    @TempDir
    Path dir;

    @Test
    void shouldUseRocketMqDefaultsWhenNothingIsSet()
    {
        final StoreConfig config = StoreConfig.builder(dir).build();

        assertEquals(1 << 30, config.segmentSizeBytes());
        assertEquals(300_000, config.consumeQueueEntriesPerFile());
        assertEquals(FlushMode.ASYNC, config.flushMode());
        assertEquals(Duration.ofMillis(500), config.flushInterval());
        assertEquals(Duration.ofHours(72), config.fileReservedTime());
        assertEquals(0.75, config.diskCleanRatio());
        assertEquals(0.85, config.diskForceCleanRatio());
        assertEquals(0.90, config.diskFullRatio());
        assertEquals(4 * 1024 * 1024, config.maxBodyBytes());
        assertEquals(ThreadingMode.DEDICATED, config.threadingMode());
        assertFalse(config.ephemeral(), "persistent");
    }

    @Test
    void shouldKeepEveryValueWhenCopiedThroughToBuilder()
    {
        final StoreConfig config = TestStores.small(dir).flushMode(FlushMode.SYNC).build();

        assertEquals(config, config.toBuilder().build());
    }

    @Test
    void shouldNameTheIllegalValueWhenBuilding()
    {
        assertIllegal(b -> b.segmentSizeBytes(1000), "segmentSizeBytes=1000");
        assertIllegal(b -> b.segmentSizeBytes(64 * 1024 + 1), "segmentSizeBytes=65537");
        assertIllegal(b -> b.consumeQueueEntriesPerFile(1), "consumeQueueEntriesPerFile=1");
        assertIllegal(b -> b.flushInterval(Duration.ZERO), "flushInterval=PT0S");
        assertIllegal(b -> b.flushMode(null), "flushMode");
        assertIllegal(b -> b.maxBodyBytes(60 * 1024), "maxBodyBytes=61440");
        assertIllegal(b -> b.diskRatios(0.9, 0.8, 0.95), "diskRatios=0.9/0.8/0.95");
        assertIllegal(b -> b.dispatchRingBytes(5000), "dispatchRingBytes=5000");
        assertIllegal(b -> b.busyTimeout(Duration.ofMillis(-1)), "busyTimeout");
        assertIllegal(b -> b.clock(null), "clock");
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
            () -> StoreConfig.builder(null).build());
        assertTrue(e.getMessage().contains("directory is required"), e.getMessage());
    }

    private void assertIllegal(final UnaryOperator<StoreConfig.Builder> change, final String expected)
    {
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
            () -> change.apply(TestStores.small(dir)).build(), expected);

        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
