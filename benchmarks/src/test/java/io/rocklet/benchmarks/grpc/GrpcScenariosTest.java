package io.rocklet.benchmarks.grpc;

import io.rocklet.benchmarks.store.Results;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GrpcScenariosTest
{
    /**
     * The whole suite at a tiny scale: a server JVM started as a child process, every figure measured over gRPC
     * (a few hundred messages each), the server stopped and its data deleted.
     */
    @Test
    @Timeout(180)
    void shouldMeasureEveryFigureAndStopTheServerWhenRunAtTinyScale(@TempDir final Path dir) throws Exception
    {
        final GrpcSettings settings = GrpcSettings.parse(new String[] {"--dir", dir.toString(), "--server-jvm",
            "-Xmx256m -XX:+UseSerialGC", "--send-warmup-ms", "100", "--send-measure-ms", "300",
            "--async-outstanding", "64", "--batch-threads", "2", "--e2e-rate", "300", "--e2e-warmup-s", "0",
            "--e2e-seconds", "1", "--catchup-messages", "400", "--warmup-s", "1"});
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final Results results = new Results(new PrintStream(out, true, StandardCharsets.UTF_8));

        final boolean measured = new GrpcScenarios(settings, results).runAll();

        final String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(measured, printed);
        for (final String figure : List.of("grpc.send.128b.sync.t1", "grpc.send.128b.sync.t4",
            "grpc.send.128b.sync.t4.auth", "grpc.auth.ratio", "grpc.send.128b.async",
            "grpc.send.128b.batch", "grpc.e2e.128b.p50", "grpc.e2e.128b.p99", "grpc.e2e.128b.p999",
            "grpc.consume.catchup", "grpc.consume.catchup.batch32", "grpc.pingpong.128b.rtt_us",
            "grpc.pingpong.128b.per_s", "grpc.send.sync.t1_vs_pingpong", "grpc.e2e.128b.first_second.p99",
            "grpc.e2e.128b.p99_vs_rtt", "grpc.consume.catchup.local", "grpc.consume.catchup_vs_local"))
        {
            assertTrue(results.value(figure).orElse(0) > 0, figure + " missing in:\n" + printed);
        }
        assertEquals(0, results.value("grpc.e2e.128b.busy_errors").orElse(-1), printed);
        assertTrue(Files.readString(settings.serverLog()).contains("broker stopped"), "server log: " +
            settings.serverLog());
        assertEquals(List.of(settings.serverLog()), list(dir), "the broker's data directory is deleted");
    }

    private static List<Path> list(final Path dir) throws IOException
    {
        try (Stream<Path> paths = Files.list(dir))
        {
            return paths.toList();
        }
    }
}
