package io.rocklet.benchmarks.local;

import io.rocklet.benchmarks.store.Results;
import io.rocklet.testkit.RockletExtension;
import io.rocklet.testkit.TestTopic;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.time.Duration;
import java.util.Locale;
import java.util.StringJoiner;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * What the JUnit test kit adds to a suite: 100 tests sharing one broker ({@code RockletExtension.shared()}), each
 * taking a fresh {@link TestTopic} (a topic created on the broker, a consumer group), run through the JUnit Platform
 * launcher as a build runs them, against the same 100 tests without the kit.
 * {@code local.testkit.overhead_100_tests_ms} = time of the kit suite minus time of the plain one: the broker's
 * start and close once, and per test the extension's callbacks, the topic's creation and the closing of what the
 * test was given. One unmeasured round first, then {@link LocalSettings#cycles()} rounds; the figure is the median.
 * The note gives the same with one message sent and received per test, and the broker's start and close alone (a
 * suite of one test).
 */
final class TestKitScenario
{
    static final String NAME = "local.testkit.overhead_100_tests_ms";
    static final int TESTS = 100;

    private final LocalSettings settings;
    private final Results results;
    private final Launcher launcher = LauncherFactory.create();

    TestKitScenario(final LocalSettings settings, final Results results)
    {
        this.settings = settings;
        this.results = results;
    }

    void run()
    {
        final int rounds = settings.cycles();
        final double[] overhead = new double[rounds];
        final double[] exchange = new double[rounds];
        final double[] single = new double[rounds];
        final double[] plain = new double[rounds];
        for (int round = -1; round < rounds; round++)
        {
            final double plainMs = runMs(PlainSuite.class, TESTS);
            final double kitMs = runMs(KitSuite.class, TESTS);
            final double exchangeMs = runMs(KitExchangeSuite.class, TESTS);
            final double singleMs = runMs(KitSingleSuite.class, 1) - runMs(PlainSingleSuite.class, 1);
            if (round >= 0)
            {
                plain[round] = plainMs;
                overhead[round] = kitMs - plainMs;
                exchange[round] = exchangeMs - plainMs;
                single[round] = singleMs;
            }
        }
        results.report(NAME, LifecycleScenario.median(overhead), "ms");
        results.note("%s: samples %s ms; the plain suite alone took %s ms (JUnit's own cost)", NAME,
            samples(overhead), samples(plain));
        results.note("%s: per test %.2f ms; broker start and close (a suite of one test) %s ms; with one message " +
            "sent and received per test (TestTopic.send, receive) %s ms", NAME, LifecycleScenario.median(overhead) /
            TESTS, samples(single), samples(exchange));
    }

    private double runMs(final Class<?> suite, final int expectedTests)
    {
        final LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
            .selectors(selectClass(suite)).build();
        final SummaryGeneratingListener listener = new SummaryGeneratingListener();
        final long start = System.nanoTime();
        launcher.execute(request, listener);
        final long elapsedNs = System.nanoTime() - start;
        final TestExecutionSummary summary = listener.getSummary();
        if (summary.getTotalFailureCount() > 0 || summary.getTestsSucceededCount() != expectedTests)
        {
            final StringJoiner failures = new StringJoiner("; ");
            summary.getFailures().forEach(failure -> failures.add(failure.getTestIdentifier().getDisplayName() +
                ": " + failure.getException()));
            throw new IllegalStateException("test kit suite failed: suite=" + suite.getSimpleName() + ", succeeded=" +
                summary.getTestsSucceededCount() + ", expected=" + expectedTests + ", failures=" + failures);
        }
        return elapsedNs / 1e6;
    }

    private static String samples(final double[] samples)
    {
        final StringJoiner joined = new StringJoiner(" ");
        for (final double sample : samples)
        {
            joined.add(String.format(Locale.ROOT, "%.1f", sample));
        }
        return joined.toString();
    }

    /** 100 tests that take nothing: JUnit's own cost. */
    static final class PlainSuite
    {
        @RepeatedTest(TESTS)
        void test()
        {
            // nothing: the baseline
        }
    }

    /** 100 tests sharing one broker, each with a fresh topic and group. */
    static final class KitSuite
    {
        @RegisterExtension
        static final RockletExtension ROCKLET = RockletExtension.shared();

        @RepeatedTest(TESTS)
        void test(final TestTopic topic)
        {
            if (topic.name().isEmpty())
            {
                throw new IllegalStateException("no topic");
            }
        }
    }

    /** The kit suite with one message sent and received by each test. */
    static final class KitExchangeSuite
    {
        @RegisterExtension
        static final RockletExtension ROCKLET = RockletExtension.shared();

        @RepeatedTest(TESTS)
        void test(final TestTopic topic)
        {
            topic.send("hello");
            topic.receive(1, Duration.ofSeconds(10));
        }
    }

    /** One test without the kit. */
    static final class PlainSingleSuite
    {
        @RepeatedTest(1)
        void test()
        {
            // nothing: the baseline
        }
    }

    /** One test with the kit: the broker's start and close, one topic. */
    static final class KitSingleSuite
    {
        @RegisterExtension
        static final RockletExtension ROCKLET = RockletExtension.shared();

        @RepeatedTest(1)
        void test(final TestTopic topic)
        {
            if (topic.name().isEmpty())
            {
                throw new IllegalStateException("no topic");
            }
        }
    }
}
