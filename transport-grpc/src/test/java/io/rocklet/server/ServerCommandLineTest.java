package io.rocklet.server;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.store.FlushMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The picocli command line: precedence of the command line, {@code ROCKLET_*} variables and the config file, the
 * generated help, metrics options and the exit status of bad options.
 */
@Timeout(10)
class ServerCommandLineTest
{
    @Test
    void shouldPreferTheFlagThenTheEnvironmentThenTheFileWhenAllThreeSetOptions(@TempDir final Path dir)
        throws Exception
    {
        final Path file = Files.writeString(dir.resolve("broker.properties"), """
            role=broker
            name=from-file
            routers=127.0.0.1:9876
            data=%s
            port=1111
            flush=async
            cluster=FileCluster
            plaintext=true
            no-auth=true
            """.formatted(dir.resolve("data").toString().replace("\\", "\\\\")));
        final Map<String, String> environment = Map.of("ROCKLET_CONFIG", file.toString(), "ROCKLET_PORT", "2222",
            "ROCKLET_FLUSH", "sync", "ROCKLET_NAME", "from-env", "PATH", "/bin");

        final ServerSettings settings = ServerOptions.parse(environment, "--port", "3333");

        assertEquals(3333, settings.port(), "the flag wins over the environment and the file");
        assertEquals(FlushMode.SYNC, settings.flushMode(), "the environment wins over the file");
        assertEquals("from-env", settings.brokerName(), "the environment wins over the file");
        assertEquals("FileCluster", settings.clusterName(), "the file, where nothing else sets it");
        assertEquals(2222, ServerOptions.parse(environment).port(), "without the flag: the environment");
        assertEquals(1111, ServerOptions.parse(Map.of(), "--config", file.toString()).port(), "only the file");
    }

    @Test
    void shouldReadRoleAndFlagsFromTheEnvironmentWhenNoArgumentIsGiven()
    {
        final ServerSettings settings = ServerOptions.parse(Map.of("ROCKLET_ROLE", "router", "ROCKLET_PLAINTEXT",
            "true", "ROCKLET_NO_AUTH", "true", "ROCKLET_PORT", "0", "ROCKLET_ROUTERS", "ignored:1"));

        assertEquals(ServerSettings.Role.ROUTER, settings.role());
        assertTrue(settings.tls().plaintext());
        assertEquals(0, settings.port());
    }

    @Test
    void shouldNameTheOptionAndValueWhenAVariableOrFileKeyIsWrong(@TempDir final Path dir) throws Exception
    {
        assertError("--port wants a number from 0 to 65535, got 'many'", Map.of("ROCKLET_PORT", "many"), "router",
            "--plaintext", "--no-auth");
        assertError("'yes' is not a boolean", Map.of("ROCKLET_PLAINTEXT", "yes"), "router", "--no-auth");
        final Path typo = Files.writeString(dir.resolve("typo.properties"), "role=router\nprot=1\n");
        assertError("unknown option in the config file: prot", Map.of(), "--config", typo.toString());
        final Path otherRole = Files.writeString(dir.resolve("router.properties"), "role=router\nname=b\n");
        assertError("unknown option for a router: --name", Map.of(), "--config", otherRole.toString(),
            "--plaintext", "--no-auth");
        assertError("unknown option for a router: --colour", Map.of(), "router", "--colour", "blue");
        assertError("unexpected argument 'extra'", Map.of(), "router", "extra", "--plaintext", "--no-auth");
    }

    @Test
    void shouldReadTheMetricsPortWhenGivenAndExportNothingByDefault()
    {
        final ServerSettings none = ServerOptions.parse(Map.of(), "router", "--plaintext", "--no-auth");
        final ServerSettings free = ServerOptions.parse(Map.of(), "router", "--plaintext", "--no-auth",
            "--metrics-port", "0");

        assertEquals(-1, none.metrics().port());
        assertFalse(none.metrics().enabled());
        assertEquals(0, free.metrics().port());
        assertTrue(free.metrics().enabled());
        assertError("--metrics-port wants a number from 0 to 65535, got '-5'", Map.of(), "router", "--plaintext",
            "--no-auth", "--metrics-port", "-5");
    }

    @Test
    void shouldListEveryOptionWithItsVariableWhenHelpIsGenerated()
    {
        final String help = ServerOptions.usage();

        assertTrue(help.startsWith("usage: rocklet-server"), help);
        for (final ServerOptionTable.Entry entry : ServerOptionTable.ENTRIES)
        {
            assertTrue(help.contains("--" + entry.name()), () -> "--" + entry.name() + " missing in:\n" + help);
            assertTrue(help.contains(ServerCommandLine.envName(entry.name())), entry.name());
        }
    }

    @Test
    void shouldExitTwoWithTheProblemAndTheHelpWhenAValueIsBad()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();

        final int status = ServerMain.run(new String[] {"router", "--plaintext", "--no-auth", "--idle-timeout",
            "soon"}, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
            StandardCharsets.UTF_8));

        final String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, status, text);
        assertTrue(text.contains("rocklet-server: --idle-timeout wants a duration such as 500ms, 30s or 2m, got " +
            "'soon'"), text);
        assertTrue(text.contains("usage: rocklet-server"), text);
    }

    private static void assertError(final String expected, final Map<String, String> environment,
        final String... args)
    {
        final InvalidArgumentException error = assertThrows(InvalidArgumentException.class,
            () -> ServerOptions.parse(environment, args));
        assertTrue(error.getMessage().contains(expected), () -> "expected '" + expected + "' in: " +
            error.getMessage());
    }
}
