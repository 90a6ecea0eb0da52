package io.rocklet.server;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.server.ServerSettings.Role;
import io.rocklet.store.FlushMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class ServerOptionsTest
{
    @Test
    void shouldReadARouterWhenGivenItsPortAndPlaintext()
    {
        final ServerSettings settings = ServerOptions.parse("router", "--port", "0", "--plaintext", "--no-auth",
            "--broker-expiry", "30s");

        assertEquals(Role.ROUTER, settings.role());
        assertEquals(0, settings.port());
        assertEquals("127.0.0.1", settings.host());
        assertTrue(settings.tls().plaintext());
        assertEquals(Duration.ofSeconds(30), settings.brokerExpiry());
    }

    @Test
    void shouldReadABrokerWithDefaultsWhenOnlyTheRequiredOptionsAreGiven(@TempDir final Path dir)
    {
        final ServerSettings settings = ServerOptions.parse("broker", "--name", "broker-a", "--routers",
            "127.0.0.1:9876,localhost:9877", "--data", dir.toString(), "--plaintext", "--no-auth");

        assertEquals(Role.BROKER, settings.role());
        assertEquals("broker-a", settings.brokerName());
        assertEquals(0, settings.brokerId());
        assertEquals("DefaultCluster", settings.clusterName());
        assertEquals(List.of("grpc://127.0.0.1:9876", "grpc://localhost:9877"), settings.routers());
        assertEquals(ServerOptions.DEFAULT_BROKER_PORT, settings.port());
        assertEquals(FlushMode.ASYNC, settings.flushMode());
        assertTrue(settings.autoCreateTopics());
        assertEquals(1 << 30, settings.segmentSizeBytes());
        assertEquals("grpc://127.0.0.1:10911", settings.address());
    }

    @Test
    void shouldReadAControllerWhenGivenItsIdPeersAndData(@TempDir final Path dir)
    {
        final ServerSettings settings = ServerOptions.parse("controller", "--controller-id", "2",
            "--controller-peers", "1=127.0.0.1:9871,2=127.0.0.1:9872,3=127.0.0.1:9873", "--data", dir.toString(),
            "--plaintext", "--heartbeat-timeout", "2s", "--allow-unclean-election");

        assertEquals(Role.CONTROLLER, settings.role());
        assertEquals(ServerOptions.DEFAULT_CONTROLLER_PORT, settings.port());
        assertEquals("2", settings.controller().id());
        assertEquals(List.of("1", "2", "3"), List.copyOf(settings.controller().peers().keySet()));
        assertEquals(Duration.ofSeconds(2), settings.controller().heartbeatTimeout());
        assertTrue(settings.controller().allowUncleanElection());
        assertEquals(dir, settings.dataDirectory());
    }

    @Test
    void shouldRefuseAControllerWhenItsOptionsAreMissingOrWrong(@TempDir final Path dir)
    {
        final InvalidArgumentException noPeers = assertThrows(InvalidArgumentException.class, () ->
            ServerOptions.parse("controller", "--controller-id", "1", "--data", dir.toString(), "--plaintext"));
        final InvalidArgumentException notListed = assertThrows(InvalidArgumentException.class, () ->
            ServerOptions.parse("controller", "--controller-id", "4", "--controller-peers", "1=h:1,2=h:2",
                "--data", dir.toString(), "--plaintext"));
        final InvalidArgumentException brokerOption = assertThrows(InvalidArgumentException.class, () ->
            ServerOptions.parse("controller", "--controller-id", "1", "--controller-peers", "1=h:1", "--data",
                dir.toString(), "--plaintext", "--routers", "h:1"));

        assertEquals("a controller needs --controller-peers", noPeers.getMessage());
        assertTrue(notListed.getMessage().contains("own id 4"), notListed.getMessage());
        assertEquals("unknown option for a controller: --routers", brokerOption.getMessage());
    }

    @Test
    void shouldReadDelayLevelsWhenGivenAsAListOfDurations(@TempDir final Path dir)
    {
        final ServerSettings settings = ServerOptions.parse("broker", "--name", "b", "--routers", "h:1", "--data",
            dir.toString(), "--plaintext", "--no-auth", "--delay-levels", "500ms, 1s,2m,1h");

        assertEquals(List.of(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMinutes(2),
            Duration.ofHours(1)), settings.delayLevels());
        assertEquals(List.of(), ServerOptions.parse("broker", "--name", "b", "--routers", "h:1", "--data",
            dir.toString(), "--plaintext", "--no-auth").delayLevels(), "empty: the broker's default levels");
    }

    @Test
    void shouldReadTheMaximumDelayWhenGivenAndDefaultToThreeDays(@TempDir final Path dir)
    {
        assertEquals(Duration.ofDays(1), ServerOptions.parse("broker", "--name", "b", "--routers", "h:1", "--data",
            dir.toString(), "--plaintext", "--no-auth", "--max-delay", "1d").maxDelay());
        assertEquals(Duration.ofDays(3), ServerOptions.parse("broker", "--name", "b", "--routers", "h:1", "--data",
            dir.toString(), "--plaintext", "--no-auth").maxDelay());
        assertError("--max-delay must be positive, got '0s'", "broker", "--name", "b", "--routers", "h:1",
            "--data", "d", "--max-delay", "0s", "--plaintext", "--no-auth");
    }

    @Test
    void shouldLetTheCommandLineOverrideTheConfigFileWhenBothSetAnOption(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("broker.properties");
        Files.writeString(file, """
            role=broker
            name=broker-b
            routers=127.0.0.1:9876
            data=%s
            flush=sync
            port=10999
            plaintext=true
            no-auth=true
            """.formatted(dir.resolve("data").toString().replace("\\", "\\\\")));

        final ServerSettings settings = ServerOptions.parse("--config", file.toString(), "--port", "0",
            "--auto-create-topics=false");

        assertEquals("broker-b", settings.brokerName());
        assertEquals(FlushMode.SYNC, settings.flushMode());
        assertEquals(0, settings.port());
        assertFalse(settings.autoCreateTopics());
    }

    @Test
    void shouldTakeTlsFilesWhenTheyExist(@TempDir final Path dir) throws Exception
    {
        final Path cert = Files.writeString(dir.resolve("chain.pem"), "x");
        final Path key = Files.writeString(dir.resolve("key.pem"), "x");

        final ServerSettings settings = ServerOptions.parse("router", "--tls-cert", cert.toString(), "--tls-key",
            key.toString(), "--no-auth");

        assertFalse(settings.tls().plaintext());
        assertEquals(cert, settings.tls().certificateChain());
        assertNull(settings.tls().trustedCa());
    }

    @Test
    void shouldTakeReplicationModeMasterAndControllersWhenGiven(@TempDir final Path dir)
    {
        final ServerSettings controlled = ServerOptions.parse("broker", "--name", "b", "--id", "2", "--routers", "h:1",
            "--data", dir.toString(), "--plaintext", "--no-auth", "--replication", "sync", "--controllers",
            "c1:9880,grpc://c2:9880");
        assertEquals(io.rocklet.broker.replication.ReplicationMode.SYNC, controlled.replication().mode());
        assertEquals(2, controlled.replication().minInSyncReplicas());
        assertEquals(List.of("grpc://c1:9880", "grpc://c2:9880"), controlled.replication().controllers());
        assertEquals(2, RockletServer.brokerConfig(controlled, "grpc://127.0.0.1:10911").brokerId());

        final ServerSettings slave = ServerOptions.parse("broker", "--name", "b", "--id", "1", "--routers", "h:1",
            "--data", dir.toString(), "--plaintext", "--no-auth", "--master", "m:10911", "--min-in-sync", "1");
        assertEquals("grpc://m:10911", slave.replication().masterAddress());
        assertEquals(1, slave.replication().minInSyncReplicas());

        assertError("--replication wants sync or async, got 'maybe'", "broker", "--name", "b", "--routers", "h:1",
            "--data", "d", "--plaintext", "--no-auth", "--replication", "maybe");
        assertError("--master and --controllers exclude each other", "broker", "--name", "b", "--routers", "h:1",
            "--data", "d", "--plaintext", "--no-auth", "--master", "m:1", "--controllers", "c:1");
        final InvalidArgumentException idZero = assertThrows(InvalidArgumentException.class,
            () -> RockletServer.brokerConfig(ServerOptions.parse("broker", "--name", "b", "--routers", "h:1", "--data",
                dir.toString(), "--plaintext", "--no-auth", "--controllers", "c:1"), "grpc://127.0.0.1:10911"));
        assertTrue(idZero.getMessage().contains("brokerId"), idZero.getMessage());
    }

    @Test
    void shouldTakeControllerLeaseIntervalAndInSyncGapWhenGiven(@TempDir final Path dir)
    {
        final ServerSettings settings = ServerOptions.parse("broker", "--name", "b", "--id", "1", "--routers", "h:1",
            "--data", dir.toString(), "--plaintext", "--no-auth", "--controllers", "c1:9880",
            "--controller-heartbeat-interval", "300ms", "--controller-lease", "4s", "--max-gap-not-in-sync", "256k");
        assertEquals(java.time.Duration.ofMillis(300), settings.replication().controllerHeartbeatInterval());
        assertEquals(java.time.Duration.ofSeconds(4), settings.replication().controllerLease());
        assertEquals(256 * 1024, settings.replication().maxGapNotInSyncBytes());

        assertError("--max-gap-not-in-sync wants a positive size such as 256k, 256m or 1g, got 'lots'", "broker",
            "--name", "b", "--routers", "h:1", "--data", "d", "--plaintext", "--no-auth", "--max-gap-not-in-sync",
            "lots");
        assertError("illegal controllerLease=PT0.5S, allowed: > controllerHeartbeatInterval=PT1S", "broker", "--name",
            "b", "--routers", "h:1", "--data", "d", "--plaintext", "--no-auth", "--controllers", "c:1",
            "--controller-lease", "500ms");
    }

    @Test
    void shouldRequireAuthChoiceAndTakeRulesFileWhenGiven(@TempDir final Path dir) throws Exception
    {
        final Path rules = Files.writeString(dir.resolve("rules.acl"), "user b kind=member secret=s");

        final ServerSettings broker = ServerOptions.parse("broker", "--name", "b", "--routers", "h:1", "--data",
            dir.toString(), "--plaintext", "--auth", rules.toString());
        final ServerSettings router = ServerOptions.parse("router", "--plaintext", "--no-auth");

        assertEquals(rules, broker.auth().rulesFile());
        assertEquals("b", broker.auth().member(), "the broker's name by default");
        assertFalse(router.auth().enabled());
        assertEquals("m", ServerOptions.parse("broker", "--name", "b", "--routers", "h:1", "--data", dir.toString(),
            "--plaintext", "--auth", rules.toString(), "--member", "m").auth().member());
        assertError("choose access control: --auth rules.acl", "router", "--plaintext");
        assertError("--auth and --no-auth exclude each other", "router", "--plaintext", "--no-auth", "--auth",
            rules.toString());
        assertError("--auth names no readable file", "router", "--plaintext", "--auth", dir.resolve("x").toString());
        assertError("--member needs --auth", "broker", "--name", "b", "--routers", "h:1", "--data", "d",
            "--plaintext", "--no-auth", "--member", "m");
        assertError("unknown option for a router: --member", "router", "--plaintext", "--no-auth", "--member", "m");
    }

    @Test
    void shouldNameTheProblemWhenTheArgumentsAreWrong(@TempDir final Path dir)
    {
        assertError("say which server to run", "--port", "1");
        assertError("unknown server role 'namesrv'", "namesrv");
        assertError("unknown option for a router: --name", "router", "--name", "x", "--plaintext", "--no-auth");
        assertError("TLS needs --tls-cert and --tls-key", "router");
        assertError("--plaintext and --tls-* options exclude each other", "router", "--plaintext", "--no-auth",
            "--tls-ca", "x");
        assertError("--tls-cert names no readable file", "router", "--tls-cert", dir.resolve("none").toString(),
            "--tls-key", "k");
        assertError("--port wants a number from 0 to 65535, got '70000'", "router", "--port", "70000",
            "--plaintext", "--no-auth");
        assertError("a broker needs --name", "broker", "--routers", "h:1", "--data", "d", "--plaintext", "--no-auth");
        assertError("--routers wants host:port", "broker", "--name", "b", "--routers", "h", "--data", "d",
            "--plaintext", "--no-auth");
        assertError("--flush wants sync or async, got 'always'", "broker", "--name", "b", "--routers", "h:1",
            "--data", "d", "--flush", "always", "--plaintext", "--no-auth");
        assertError("Missing required parameter for option '--port'", "router", "--port");
        assertError("--tls-client-auth needs --tls-ca", "router", "--tls-cert", "c", "--tls-key", "k",
            "--tls-client-auth");
        assertError("--broker-expiry wants a duration", "router", "--broker-expiry", "soon", "--plaintext",
            "--no-auth");
        assertError("--segment-size wants a size from 8m to 1g", "broker", "--name", "b", "--routers", "h:1",
            "--data", "d", "--segment-size", "2g", "--plaintext", "--no-auth");
        assertError("--segment-size wants a size", "broker", "--name", "b", "--routers", "h:1", "--data", "d",
            "--segment-size", "9001k", "--plaintext", "--no-auth");
        assertError("--delay-levels wants a duration such as 500ms, 30s or 2m, got 'x'", "broker", "--name", "b",
            "--routers", "h:1", "--data", "d", "--delay-levels", "1s,x", "--plaintext", "--no-auth");
        assertError("--delay-levels must be positive, got '0s'", "broker", "--name", "b", "--routers", "h:1",
            "--data", "d", "--delay-levels", "0s", "--plaintext", "--no-auth");
        assertError("unknown option for a router: --delay-levels", "router", "--delay-levels", "1s", "--plaintext",
            "--no-auth");
    }

    @Test
    void shouldPassConnectionAndOffsetFlushOptionsToTheTransportAndBrokerWhenGiven(@TempDir final Path dir)
    {
        final ServerSettings broker = ServerOptions.parse("broker", "--name", "b", "--routers", "h:1", "--data",
            dir.toString(), "--plaintext", "--no-auth", "--offset-flush-interval", "1s", "--idle-timeout", "30s",
            "--max-connections", "50");
        final ServerSettings router = ServerOptions.parse("router", "--plaintext", "--no-auth", "--idle-timeout", "2m");
        final ServerSettings defaults = ServerOptions.parse("broker", "--name", "b", "--routers", "h:1", "--data",
            dir.toString(), "--plaintext", "--no-auth");

        assertEquals(Duration.ofSeconds(1), RockletServer.brokerConfig(broker, "grpc://127.0.0.1:1")
            .offsetPersistInterval());
        assertEquals(Duration.ofSeconds(30), RockletServer.transportConfig(broker).connectionIdleTimeout());
        assertEquals(50, RockletServer.transportConfig(broker).maxConnections());
        assertEquals(Duration.ofMinutes(2), RockletServer.transportConfig(router).connectionIdleTimeout());
        assertEquals(Duration.ofSeconds(5), RockletServer.brokerConfig(defaults, "grpc://127.0.0.1:1")
            .offsetPersistInterval());
        assertEquals(Duration.ofSeconds(120), RockletServer.transportConfig(defaults).connectionIdleTimeout());
        assertEquals(10_000, RockletServer.transportConfig(defaults).maxConnections());
        assertError("--max-connections wants a number from 1 to", "router", "--max-connections", "0",
            "--plaintext", "--no-auth");
        assertError("--offset-flush-interval must be positive, got '0s'", "broker", "--name", "b", "--routers",
            "h:1", "--data", "d", "--offset-flush-interval", "0s", "--plaintext", "--no-auth");
        assertError("unknown option for a router: --offset-flush-interval", "router", "--offset-flush-interval",
            "1s", "--plaintext", "--no-auth");
    }

    @Test
    void shouldReadSegmentSizesWhenGivenWithAUnit(@TempDir final Path dir)
    {
        assertEquals(8 << 20, segmentSize(dir, "8M"));
        assertEquals(12 << 20, segmentSize(dir, "12288k"));
        assertEquals(1 << 30, segmentSize(dir, "1g"));
        assertEquals(16 << 20, segmentSize(dir, "16777216"));
    }

    @Test
    void shouldKeepSafeStoreDefaultsWhenNoStoreOptionIsGiven(@TempDir final Path dir)
    {
        final io.rocklet.store.StoreConfig config = storeConfig(dir);

        assertEquals(Duration.ofHours(72), config.fileReservedTime());
        assertEquals(0.90, config.diskFullRatio());
        assertFalse(config.deleteUnexpiredOnDiskPressure(), "nothing unexpired is deleted by default");
        assertFalse(config.repairDamagedLog(), "damage that loses data refuses the start by default");
        assertTrue(config.verifyLogOnOpen());
        assertFalse(config.verifyCrcOnRead());
        assertEquals(20_000_000, config.indexEntriesPerFile(), "RocketMQ's size with 1 GiB segments");
        assertEquals(8 * 1024 * 1024 / 48, storeConfig(dir, "--segment-size", "8m").indexEntriesPerFile(),
            "small segments, small key-index files");
    }

    @Test
    void shouldApplyStoreOptionsWhenGiven(@TempDir final Path dir)
    {
        final io.rocklet.store.StoreConfig config = storeConfig(dir, "--retention", "2h", "--disk-clean-ratio", "0.5",
            "--disk-force-clean-ratio", "0.6", "--disk-full-ratio", "0.95", "--delete-unexpired-on-disk-pressure",
            "--index-entries", "100000", "--repair-damaged-log", "--verify-log-on-open", "false", "--verify-reads");

        assertEquals(Duration.ofHours(2), config.fileReservedTime());
        assertEquals(0.5, config.diskCleanRatio());
        assertEquals(0.6, config.diskForceCleanRatio());
        assertEquals(0.95, config.diskFullRatio());
        assertTrue(config.deleteUnexpiredOnDiskPressure());
        assertEquals(100_000, config.indexEntriesPerFile());
        assertEquals(25_000, config.indexSlotsPerFile());
        assertTrue(config.repairDamagedLog());
        assertFalse(config.verifyLogOnOpen());
        assertTrue(config.verifyCrcOnRead());
    }

    @Test
    void shouldNameTheStoreOptionWhenItsValueIsWrong(@TempDir final Path dir)
    {
        final String data = dir.toString();
        assertError("--disk-full-ratio wants a ratio", "broker", "--name", "b", "--routers", "h:1", "--data", data,
            "--plaintext", "--no-auth", "--disk-full-ratio", "1.5");
        assertError("--disk-clean-ratio <= --disk-force-clean-ratio", "broker", "--name", "b", "--routers", "h:1",
            "--data", data, "--plaintext", "--no-auth", "--disk-clean-ratio", "0.9", "--disk-force-clean-ratio",
            "0.8");
        assertError("--index-entries wants a number", "broker", "--name", "b", "--routers", "h:1", "--data", data,
            "--plaintext", "--no-auth", "--index-entries", "8");
        assertError("--retention wants a duration", "broker", "--name", "b", "--routers", "h:1", "--data", data,
            "--plaintext", "--no-auth", "--retention", "forever");
        assertError("unknown option for a router: --retention", "router", "--plaintext", "--no-auth", "--retention",
            "1h");
    }

    private static io.rocklet.store.StoreConfig storeConfig(final Path dir, final String... extra)
    {
        final List<String> args = new java.util.ArrayList<>(List.of("broker", "--name", "b", "--routers", "h:1",
            "--data", dir.toString(), "--plaintext", "--no-auth"));
        args.addAll(List.of(extra));
        final ServerSettings settings = ServerOptions.parse(args.toArray(String[]::new));
        return settings.storeOptions().applyTo(io.rocklet.store.StoreConfig.builder(dir)
            .segmentSizeBytes(settings.segmentSizeBytes())).build();
    }

    private static int segmentSize(final Path dir, final String value)
    {
        return ServerOptions.parse("broker", "--name", "b", "--routers", "h:1", "--data", dir.toString(),
            "--segment-size", value, "--plaintext", "--no-auth").segmentSizeBytes();
    }

    private static void assertError(final String expected, final String... args)
    {
        final InvalidArgumentException error = assertThrows(InvalidArgumentException.class,
            () -> ServerOptions.parse(args));
        assertTrue(error.getMessage().contains(expected), () -> "expected '" + expected + "' in: " +
            error.getMessage());
    }
}
