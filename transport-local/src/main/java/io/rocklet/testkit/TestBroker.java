package io.rocklet.testkit;

import io.rocklet.embedded.EmbeddedRocklet;
import io.rocklet.store.StoreConfig;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One embedded router and broker started for tests, and what happens to its data directory at the end: removed
 * when every test that used it passed, kept (and its path logged) when one failed. Lives in a JUnit store, which
 * closes it at the end of its scope (the class, or the run). Thread-safe: tests running in parallel share it.
 */
final class TestBroker implements ExtensionContext.Store.CloseableResource
{
    private static final Logger LOG = LoggerFactory.getLogger(TestBroker.class);
    private static final int SEGMENT_BYTES = 8 * 1024 * 1024;

    private final String owner;
    private final EmbeddedRocklet rocklet;
    private final Path dataDirectory;
    private final boolean ownsDirectory;
    private final KitSettings settings;
    private final AtomicLong names = new AtomicLong();
    private final List<String> failedTests = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private TestBroker(final String owner, final EmbeddedRocklet rocklet, final Path dataDirectory,
        final boolean ownsDirectory, final KitSettings settings)
    {
        this.owner = owner;
        this.rocklet = rocklet;
        this.dataDirectory = dataDirectory;
        this.ownsDirectory = ownsDirectory;
        this.settings = settings;
    }

    /**
     * Starts a router and a broker in the caller's directory, or in a new temporary one.
     *
     * @param owner what the broker is for (a class name, or "test run"), for the logs.
     */
    static TestBroker start(final KitSettings settings, final String owner)
    {
        final long start = System.nanoTime();
        final boolean ownsDirectory = settings.dataDirectory() == null;
        final Path directory = ownsDirectory ? temporaryDirectory() : settings.dataDirectory();
        final EmbeddedRocklet rocklet;
        try
        {
            final EmbeddedRocklet.Builder builder = EmbeddedRocklet.builder();
            if (settings.auth() != null)
            {
                builder.accessControl(settings.auth().access(), settings.auth().member())
                    .client(client -> client.credentials(settings.auth().client()));
            }
            rocklet = builder
                .name("testkit")
                .dataDirectory(directory)
                .autoCreateTopics(settings.autoCreateTopics())
                .delayLevels(settings.delayLevels())
                .store(store -> settings.persistent() ? store.segmentSizeBytes(SEGMENT_BYTES) : ephemeral(store))
                .start();
        }
        catch (final RuntimeException e)
        {
            LOG.error("test broker did not start, data directory kept: owner={}, dir={}", owner, directory);
            throw e;
        }
        LOG.info("test broker started: owner={}, scope={}, persistent={}, accessControl={}, dir={}, startMs={}",
            owner, settings.scope(), settings.persistent(), settings.auth() != null, directory,
            (System.nanoTime() - start) / 1_000_000);
        return new TestBroker(owner, rocklet, directory, ownsDirectory, settings);
    }

    EmbeddedRocklet rocklet()
    {
        return rocklet;
    }

    Path dataDirectory()
    {
        return dataDirectory;
    }

    KitSettings settings()
    {
        return settings;
    }

    /**
     * @return a number no other caller of this broker gets, for fresh topic and group names.
     */
    long nextName()
    {
        return names.incrementAndGet();
    }

    /**
     * Remembers a failed test: the data directory will be kept.
     */
    void recordFailure(final String test, final Throwable error)
    {
        synchronized (failedTests)
        {
            failedTests.add(test);
        }
        LOG.warn("test failed, the broker's data directory will be kept: test={}, dir={}, error={}", test,
            dataDirectory, error.toString());
    }

    /**
     * Closes the broker; removes the data directory when it is the kit's and no test failed, logs its path when
     * it is kept. Idempotent.
     */
    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        rocklet.close();
        final List<String> failed;
        synchronized (failedTests)
        {
            failed = List.copyOf(failedTests);
        }
        if (!ownsDirectory)
        {
            LOG.info("test broker closed, data directory is the caller's: owner={}, dir={}", owner, dataDirectory);
        }
        else if (failed.isEmpty())
        {
            Directories.deleteTree(dataDirectory);
            LOG.debug("test broker closed, data directory removed: owner={}, dir={}", owner, dataDirectory);
        }
        else
        {
            LOG.warn("test broker closed, data directory KEPT because tests failed: owner={}, dir={}, failed={}",
                owner, dataDirectory, failed);
        }
    }

    @Override
    public String toString()
    {
        return "TestBroker{owner=" + owner + ", dir=" + dataDirectory + '}';
    }

    /**
     * The settings of {@link StoreConfig#ephemeralBuilder()} on a store that is not deleted on close, so that the
     * kit decides: small files, no fsync, no preallocation.
     */
    private static StoreConfig.Builder ephemeral(final StoreConfig.Builder store)
    {
        return store.segmentSizeBytes(SEGMENT_BYTES)
            .consumeQueueEntriesPerFile(65_536)
            .indexSlotsPerFile(16_384)
            .indexEntriesPerFile(65_536)
            .fsync(false)
            .preallocate(false);
    }

    private static Path temporaryDirectory()
    {
        try
        {
            return Files.createTempDirectory("rocklet-test-");
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot create the test broker's temporary directory: tmpdir=" +
                System.getProperty("java.io.tmpdir"), e);
        }
    }
}
