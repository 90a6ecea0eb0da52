package io.rocklet.benchmarks.local;

import io.rocklet.benchmarks.scenario.LoadSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalSettingsTest
{
    @Test
    void shouldDefaultToTheFullRun()
    {
        final LocalSettings settings = LocalSettings.parse(new String[0]);

        assertEquals(List.copyOf(LocalSettings.ALL_GROUPS), List.copyOf(settings.groups()));
        assertFalse(settings.quick());
        assertEquals(100_000, settings.load().e2eRate());
        assertEquals(20, settings.load().e2eSeconds());
        assertEquals(LoadSettings.Pacing.SPIN, settings.load().e2ePacing());
        assertEquals(1_000_000, settings.load().catchUpMessages());
        assertEquals(4_096, settings.load().asyncOutstanding());
        assertEquals(LoadSettings.SendMode.SYNC, settings.load().e2eSend());
    }

    @Test
    void shouldShortenEverythingWhenQuickAndLetLaterOptionsOverride()
    {
        final LocalSettings settings = LocalSettings.parse(new String[] {"--quick", "--e2e-seconds", "5", "--only",
            "e2e,lifecycle", "--e2e-pacing", "park", "--dir", "/data"});

        assertTrue(settings.quick());
        assertEquals(5, settings.load().e2eSeconds());
        assertEquals(1, settings.load().e2eWarmupSeconds());
        assertEquals(200_000, settings.load().catchUpMessages());
        assertEquals(Set.of("e2e", "lifecycle"), settings.groups());
        assertTrue(settings.runs("e2e"));
        assertFalse(settings.runs("send"));
        assertEquals(LoadSettings.Pacing.PARK, settings.load().e2ePacing());
        assertEquals(Path.of("/data"), settings.baseDirectory());
    }

    @Test
    void shouldRefuseUnknownOrMalformedOptions()
    {
        assertThrows(IllegalArgumentException.class, () -> LocalSettings.parse(new String[] {"--nope", "1"}));
        assertThrows(IllegalArgumentException.class, () -> LocalSettings.parse(new String[] {"--only", "store"}));
        assertThrows(IllegalArgumentException.class, () -> LocalSettings.parse(new String[] {"--e2e-rate"}));
        assertThrows(IllegalArgumentException.class, () -> LocalSettings.parse(new String[] {"--e2e-rate", "0"}));
        assertThrows(IllegalArgumentException.class, () -> LocalSettings.parse(new String[] {"--cycles", "1"}));
    }

    @Test
    void shouldTakeTheMedianOfOddAndEvenCounts()
    {
        assertEquals(2.0, LifecycleScenario.median(new double[] {3, 1, 2}));
        assertEquals(2.5, LifecycleScenario.median(new double[] {4, 1, 3, 2}));
    }
}
