package io.rocklet.benchmarks.store;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScenarioSettingsTest
{
    @Test
    void shouldUseDefaultsSizedForTheFullRun()
    {
        final ScenarioSettings settings = ScenarioSettings.parse(new String[0]);

        assertEquals(10_000_000, settings.readMessages());
        assertTrue(settings.recoveryBytes() >= 1L << 30);
        assertTrue(settings.runs("append") && settings.runs("recovery"));
    }

    @Test
    void shouldParseOptions()
    {
        final ScenarioSettings settings = ScenarioSettings.parse(new String[] {
            "--dir", "/data/bench", "--only", "sync,read", "--measure-ms", "700", "--read-batch", "32"});

        assertEquals(Path.of("/data/bench"), settings.baseDirectory());
        assertEquals(Set.of("sync", "read"), settings.groups());
        assertFalse(settings.runs("append"));
        assertEquals(700, settings.measureMs());
        assertEquals(32, settings.readBatch());
    }

    @Test
    void shouldCapMessagesByBytes()
    {
        final ScenarioSettings settings = ScenarioSettings.parse(new String[] {"--max-figure-bytes", "3000"});

        assertEquals(10, settings.maxMeasureMessages(300));
        assertEquals(3, settings.maxWarmupMessages(300));
    }

    @Test
    void shouldRejectUnknownOptionsAndGroups()
    {
        assertThrows(IllegalArgumentException.class, () -> ScenarioSettings.parse(new String[] {"--fast", "1"}));
        assertThrows(IllegalArgumentException.class, () -> ScenarioSettings.parse(new String[] {"--only", "grpc"}));
        assertThrows(IllegalArgumentException.class, () -> ScenarioSettings.parse(new String[] {"--dir"}));
    }
}
