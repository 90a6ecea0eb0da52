package io.rocklet.testkit;

import io.rocklet.api.ClosedException;
import io.rocklet.embedded.EmbeddedRocklet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * What happens to a test broker's data directory: removed when every test passed (or was only aborted), kept and
 * logged when a test or a class-level method failed, never touched when it is the caller's. Each case runs inner
 * test classes through JUnit's EngineTestKit, as a build would run them, and looks at the directory afterwards.
 */
@Timeout(60)
class DataDirectoryTest
{
    /** Data directories the inner classes saw, in the order they ran. */
    static final List<Path> SEEN = new ArrayList<>();
    static Path callersDirectory;

    @BeforeEach
    void forgetEarlierRuns()
    {
        SEEN.clear();
    }

    @AfterEach
    void removeKeptDirectories()
    {
        SEEN.forEach(Directories::deleteTree);
    }

    @Test
    void shouldRemoveTheDataDirectoryWhenEveryTestOfTheClassPassed()
    {
        run(PassingClass.class).testEvents().assertStatistics(stats -> stats.succeeded(2).failed(0));

        assertEquals(1, SEEN.stream().distinct().count(), "one broker for the class");
        assertFalse(Files.exists(SEEN.get(0)), "removed: " + SEEN.get(0));
    }

    @Test
    void shouldKeepTheDataDirectoryAndLogItsPathWhenATestFailed()
    {
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final PrintStream stderr = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try
        {
            run(FailingClass.class).testEvents().assertStatistics(stats -> stats.succeeded(1).failed(1));
        }
        finally
        {
            System.setErr(stderr);
        }

        final Path kept = SEEN.get(0);
        assertTrue(Files.isDirectory(kept.resolve("store")), "kept with the store in it: " + kept);
        final String logged = log.toString(StandardCharsets.UTF_8);
        assertTrue(logged.contains("data directory KEPT because tests failed") && logged.contains("dir=" + kept) &&
            logged.contains("FailingClass > shouldFailDeliberately(TestTopic)"), logged);
    }

    @Test
    void shouldKeepTheDataDirectoryWhenATestOfAnAnnotatedClassFailed()
    {
        run(AnnotatedFailingClass.class).testEvents().assertStatistics(stats -> stats.failed(1));

        assertTrue(Files.isDirectory(SEEN.get(0)), "kept: " + SEEN.get(0));
    }

    @Test
    void shouldKeepTheDataDirectoryWhenBeforeAllFailed()
    {
        run(FailingBeforeAllClass.class).containerEvents().assertStatistics(stats -> stats.failed(1));

        assertTrue(Files.isDirectory(SEEN.get(0)), "kept: " + SEEN.get(0));
    }

    @Test
    void shouldRemoveTheDataDirectoryWhenATestWasOnlyAborted()
    {
        run(AbortedClass.class).testEvents().assertStatistics(stats -> stats.aborted(1).failed(0));

        assertFalse(Files.exists(SEEN.get(0)), "removed: " + SEEN.get(0));
    }

    @Test
    void shouldShareOneBrokerAcrossClassesAndRemoveItsDirectoryWhenTheRunEndsWell()
    {
        SharedClass.rocklets.clear();

        run(SharedClass.class, OtherSharedClass.class).testEvents().assertStatistics(stats -> stats.succeeded(2));

        assertEquals(2, SEEN.size());
        assertEquals(SEEN.get(0), SEEN.get(1), "one directory: one broker");
        assertEquals(1, SharedClass.rocklets.stream().distinct().count(), "one broker: " + SharedClass.rocklets);
        assertFalse(Files.exists(SEEN.get(0)), "removed at the end of the run: " + SEEN.get(0));
        assertTrue(isClosed(SharedClass.rocklets.get(0)), "closed at the end of the run");
    }

    @Test
    void shouldKeepTheSharedDirectoryWhenATestOfAnyClassFailed()
    {
        run(SharedClass.class, FailingSharedClass.class).testEvents().assertStatistics(stats -> stats.failed(1));

        assertEquals(SEEN.get(0), SEEN.get(1));
        assertTrue(Files.isDirectory(SEEN.get(0)), "kept: " + SEEN.get(0));
    }

    @Test
    void shouldNeverRemoveTheCallersDirectoryWhenPersistentInIt(@TempDir final Path directory)
    {
        callersDirectory = directory.resolve("broker-data");

        run(PersistentInCallersDirectoryClass.class).testEvents().assertStatistics(stats -> stats.succeeded(1));
        SEEN.clear(); // the caller's: @TempDir removes it

        assertTrue(Files.isDirectory(callersDirectory.resolve("store")), "the caller's directory stays");
        assertTrue(Files.isDirectory(callersDirectory.resolve("broker")), "the broker's files too");
    }

    @Test
    void shouldRemoveAPersistentTemporaryDirectoryWhenEveryTestPassed()
    {
        run(PersistentClass.class).testEvents().assertStatistics(stats -> stats.succeeded(1));

        assertFalse(Files.exists(SEEN.get(0)), "removed: " + SEEN.get(0));
    }

    private static EngineExecutionResults run(final Class<?>... classes)
    {
        return OnlyInEngineTestKit.engine().selectors(Arrays.stream(classes).map(type -> selectClass(type))
            .toArray(DiscoverySelector[]::new)).execute();
    }

    private static boolean isClosed(final EmbeddedRocklet rocklet)
    {
        try
        {
            rocklet.client();
            return false;
        }
        catch (final ClosedException e)
        {
            return true;
        }
    }

    @ExtendWith(OnlyInEngineTestKit.class)
    static class PassingClass
    {
        @RegisterExtension
        static final RockletExtension ROCKLET = RockletExtension.perClass();

        @Test
        void shouldPass(final TestTopic topic)
        {
            SEEN.add(ROCKLET.dataDirectory());
            topic.send("fine");
        }

        @Test
        void shouldPassToo(final TestTopic topic)
        {
            SEEN.add(ROCKLET.dataDirectory());
            topic.send("fine too");
        }
    }

    @ExtendWith(OnlyInEngineTestKit.class)
    static class FailingClass
    {
        @RegisterExtension
        static final RockletExtension ROCKLET = RockletExtension.perClass();

        @Test
        void shouldPass()
        {
            SEEN.add(ROCKLET.dataDirectory());
        }

        @Test
        void shouldFailDeliberately(final TestTopic topic)
        {
            SEEN.add(ROCKLET.dataDirectory());
            topic.send("evidence");
            fail("deliberate failure: the data directory must be kept");
        }
    }

    @RockletTest
    @ExtendWith(OnlyInEngineTestKit.class)
    static class AnnotatedFailingClass
    {
        @Test
        void shouldFailDeliberately(final EmbeddedRocklet rocklet)
        {
            SEEN.add(rocklet.broker().config().storeConfig().directory().getParent());
            fail("deliberate failure");
        }
    }

    @ExtendWith(OnlyInEngineTestKit.class)
    static class FailingBeforeAllClass
    {
        @RegisterExtension
        static final RockletExtension ROCKLET = RockletExtension.perClass();

        @BeforeAll
        static void failDeliberately()
        {
            SEEN.add(ROCKLET.dataDirectory());
            throw new IllegalStateException("deliberate failure in @BeforeAll");
        }

        @Test
        void shouldNotRun()
        {
            fail("not reached");
        }
    }

    @ExtendWith(OnlyInEngineTestKit.class)
    static class AbortedClass
    {
        @RegisterExtension
        static final RockletExtension ROCKLET = RockletExtension.perClass();

        @Test
        void shouldBeAborted()
        {
            SEEN.add(ROCKLET.dataDirectory());
            Assumptions.assumeTrue(false, "aborted deliberately");
        }
    }

    @ExtendWith(OnlyInEngineTestKit.class)
    static class SharedClass
    {
        static final List<EmbeddedRocklet> rocklets = new ArrayList<>();

        @RegisterExtension
        static final RockletExtension ROCKLET = RockletExtension.shared();

        @Test
        void shouldUseTheSharedBroker(final EmbeddedRocklet rocklet)
        {
            SEEN.add(ROCKLET.dataDirectory());
            rocklets.add(rocklet);
        }
    }

    @ExtendWith(OnlyInEngineTestKit.class)
    static class OtherSharedClass
    {
        @RegisterExtension
        static final RockletExtension ROCKLET = RockletExtension.shared();

        @Test
        void shouldUseTheSharedBrokerToo(final EmbeddedRocklet rocklet)
        {
            SEEN.add(ROCKLET.dataDirectory());
            SharedClass.rocklets.add(rocklet);
        }
    }

    @ExtendWith(OnlyInEngineTestKit.class)
    static class FailingSharedClass
    {
        @RegisterExtension
        static final RockletExtension ROCKLET = RockletExtension.shared();

        @Test
        void shouldFailDeliberately()
        {
            SEEN.add(ROCKLET.dataDirectory());
            fail("deliberate failure");
        }
    }

    @ExtendWith(OnlyInEngineTestKit.class)
    static class PersistentInCallersDirectoryClass
    {
        @RegisterExtension
        static final RockletExtension ROCKLET = RockletExtension.builder().persistentIn(callersDirectory).build();

        @Test
        void shouldStoreInTheCallersDirectory(final TestTopic topic)
        {
            SEEN.add(ROCKLET.dataDirectory());
            assertEquals(callersDirectory, ROCKLET.dataDirectory());
            topic.send("durable");
        }
    }

    @ExtendWith(OnlyInEngineTestKit.class)
    static class PersistentClass
    {
        @RegisterExtension
        static final RockletExtension ROCKLET = RockletExtension.builder().persistent().build();

        @Test
        void shouldSyncWhenPersistent(final EmbeddedRocklet rocklet)
        {
            SEEN.add(ROCKLET.dataDirectory());
            assertTrue(rocklet.broker().config().storeConfig().fsync());
        }
    }
}
