package io.rocklet.store;

import io.rocklet.store.internal.file.JvmFlags;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Runs {@link OpenStoreProbe} in a child JVM on this JVM's class path and returns what it printed.
 * Not a test.
 */
public final class ChildJvm
{
    private ChildJvm()
    {
    }

    /**
     * @param directory        the store directory the child opens.
     * @param withChronicleFlags start the child with {@link JvmFlags#ALL_FLAGS}.
     * @return the child's output (stdout and stderr).
     */
    public static String openStore(final Path directory, final boolean withChronicleFlags)
        throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (withChronicleFlags)
        {
            command.addAll(Arrays.asList(JvmFlags.ALL_FLAGS.split(" ")));
        }
        command.addAll(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Dchronicle.analytics.disable=true", "-cp", System.getProperty("java.class.path"),
            OpenStoreProbe.class.getName(), directory.toString()));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output;
        try (InputStream in = process.getInputStream())
        {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "child JVM did not exit: " + output);
        assertEquals(0, process.exitValue(), "child JVM exit code, output: " + output);
        return output;
    }
}
