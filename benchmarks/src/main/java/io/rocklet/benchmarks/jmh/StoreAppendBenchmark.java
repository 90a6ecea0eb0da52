package io.rocklet.benchmarks.jmh;

import io.rocklet.api.Message;
import io.rocklet.benchmarks.store.BenchDirectory;
import io.rocklet.benchmarks.store.BenchMessages;
import io.rocklet.store.AppendReceipt;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.StoreConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The store's zero-allocation append path: one thread appending a 128 B message through
 * {@link MessageStore#append(AppendRequest, AppendReceipt)}, reusing one request and one receipt, into a
 * store with default settings (ASYNC flush, 1 GiB segments, dispatcher running). Run with
 * {@code -prof gc}: {@code gc.alloc.rate.norm} is the figure {@code store.append.alloc_bytes_per_op}.
 *
 * <p>The store lives in a new directory under {@value #DIR_PROPERTY} (default {@code java.io.tmpdir}),
 * deleted at the end of the trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class StoreAppendBenchmark
{
    /** System property naming the directory stores are created in. */
    public static final String DIR_PROPERTY = "rocklet.bench.dir";

    private final AppendReceipt receipt = new AppendReceipt();
    private Path directory;
    private MessageStore store;
    private AppendRequest request;

    @Setup(Level.Trial)
    public void open() throws IOException
    {
        final Path base = Path.of(System.getProperty(DIR_PROPERTY, System.getProperty("java.io.tmpdir")));
        Files.createDirectories(base);
        directory = Files.createTempDirectory(base, "jmh-store-append-");
        store = MessageStores.open(StoreConfig.builder(directory).build());
        request = AppendRequest.of(Message.of(BenchMessages.TOPIC, BenchMessages.body(128)), 0);
    }

    @TearDown(Level.Trial)
    public void close()
    {
        store.close();
        BenchDirectory.delete(directory);
    }

    @Benchmark
    public long append()
    {
        return store.append(request, receipt);
    }
}
