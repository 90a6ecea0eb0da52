package io.rocklet.benchmarks.grpc;

import io.rocklet.benchmarks.scenario.LoadSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GrpcSettingsTest
{
    @Test
    void shouldDefaultToTheFullRunAtFiveThousandMessagesPerSecond()
    {
        final GrpcSettings settings = GrpcSettings.parse(new String[] {"--dir", "/data"});

        assertEquals(GrpcSettings.ALL_GROUPS, List.copyOf(settings.groups()));
        assertEquals("async", settings.flush());
        assertEquals(5_000, settings.load().e2eRate());
        assertEquals(0, settings.load().e2eWarmupSeconds(), "counted from the first second of sending");
        assertEquals(512, settings.load().asyncOutstanding());
        assertEquals(LoadSettings.SendMode.ASYNC, settings.load().e2eSend());
        assertEquals(1_000_000, settings.load().catchUpMessages());
        assertEquals(Path.of("/data/grpc-server.log"), settings.serverLog());
        assertEquals(12, settings.warmupSeconds());
    }

    @Test
    void shouldRefuseUnknownFlushModesGroupsAndOptions()
    {
        assertThrows(IllegalArgumentException.class, () -> GrpcSettings.parse(new String[] {"--flush", "never"}));
        assertThrows(IllegalArgumentException.class, () -> GrpcSettings.parse(new String[] {"--only", "lifecycle"}));
        assertThrows(IllegalArgumentException.class, () -> GrpcSettings.parse(new String[] {"--nope", "1"}));
        assertThrows(IllegalArgumentException.class, () -> GrpcSettings.parse(new String[] {"--batch-size", "0"}));
    }

    @Test
    void shouldSplitTheServerJvmOptionsAndLetLaterOptionsOverrideQuick()
    {
        final GrpcSettings settings = GrpcSettings.parse(new String[] {"--quick", "--server-jvm",
            " -Xmx2g  -XX:+UseSerialGC ", "--e2e-seconds", "7", "--flush", "SYNC", "--only", "e2e"});

        assertEquals(List.of("-Xmx2g", "-XX:+UseSerialGC"), settings.serverJvm());
        assertEquals(7, settings.load().e2eSeconds());
        assertEquals(3, settings.warmupSeconds());
        assertEquals(200_000, settings.load().catchUpMessages());
        assertEquals("sync", settings.flush());
        assertEquals(List.of("e2e"), List.copyOf(settings.groups()));
    }
}
