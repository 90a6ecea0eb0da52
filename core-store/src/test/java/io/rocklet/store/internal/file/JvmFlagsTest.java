package io.rocklet.store.internal.file;

import io.rocklet.store.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(120)
class JvmFlagsTest
{
    @TempDir
    Path dir;

    @Test
    void shouldFindNothingMissingWhenJvmHasTheChronicleFlags()
    {
        assertEquals(java.util.List.of(), JvmFlags.missing(), "surefire's argLine carries every flag");
        assertDoesNotThrow(JvmFlags::check);
    }

    @Test
    void shouldListAllNineFlagsWhenAskedForThem()
    {
        final String[] flags = JvmFlags.ALL_FLAGS.split(" ");

        assertEquals(9, flags.length, JvmFlags.ALL_FLAGS);
        for (final String flag : flags)
        {
            assertTrue(flag.matches("--add-(opens|exports)=[a-z.]+/[a-z.]+=ALL-UNNAMED"), flag);
        }
    }

    @Test
    void shouldFailWithOneEnvironmentErrorListingEveryFlagWhenChildJvmLacksThem() throws Exception
    {
        final Path store = dir.resolve("store");

        final String output = ChildJvm.openStore(store, false);

        final String error = output.lines().filter(line -> line.startsWith("ERROR ")).findFirst().orElse("");
        assertTrue(error.startsWith("ERROR ENVIRONMENT "), output);
        assertEquals(1, output.lines().filter(line -> line.startsWith("ERROR ")).count(), output);
        for (final String flag : JvmFlags.ALL_FLAGS.split(" "))
        {
            assertTrue(error.contains(flag), "the error names " + flag + ": " + error);
        }
        assertFalse(Files.exists(store.resolve("commitlog")), "nothing was created before the check");
    }
}
