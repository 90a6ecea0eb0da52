package io.rocklet.testkit;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.ReceivedMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

/**
 * The extension's settings (each illegal one named) and tests running in parallel on one broker.
 */
@Timeout(60)
class RockletExtensionTest
{
    @Test
    void shouldNameTheSettingWhenASettingIsIllegal()
    {
        assertEquals("illegal test kit setting: topicQueues=0, allowed: 1..1024", assertThrows(
            InvalidArgumentException.class, () -> RockletExtension.builder().topicQueues(0).build()).getMessage());
        assertEquals("illegal test kit setting: scope=null", assertThrows(InvalidArgumentException.class,
            () -> RockletExtension.builder().scope(null).build()).getMessage());
        assertEquals("illegal persistentIn argument: directory=null", assertThrows(InvalidArgumentException.class,
            () -> RockletExtension.builder().persistentIn(null)).getMessage());
        assertEquals("illegal test kit setting: delayLevels=[], allowed: at least one level", assertThrows(
            InvalidArgumentException.class, () -> RockletExtension.builder().delayLevels(List.of()).build())
            .getMessage());
        assertEquals("illegal test kit setting: delayLevels contains PT0S, allowed: > 0", assertThrows(
            InvalidArgumentException.class, () -> RockletExtension.builder().delayLevels(List.of(Duration.ZERO))
                .build()).getMessage());
    }

    @Test
    void shouldExplainWhenTheBrokerIsAskedForBeforeItStarted()
    {
        final IllegalStateException error = assertThrows(IllegalStateException.class,
            () -> RockletExtension.perClass().rocklet());

        assertTrue(error.getMessage().startsWith("no test broker yet"), error.getMessage());
    }

    @Test
    void shouldFailTheClassNamingTheSettingWhenTheAnnotationIsIllegal()
    {
        final EngineExecutionResults results = OnlyInEngineTestKit.engine()
            .selectors(selectClass(IllegalAnnotationClass.class)).execute();

        results.containerEvents().assertThatEvents().haveExactly(1, event(finishedWithFailure(
            instanceOf(InvalidArgumentException.class),
            message("illegal test kit setting: topicQueues=0, allowed: 1..1024"))));
    }

    @Test
    void shouldKeepEachTestsMessagesApartWhenTestsRunInParallelOnOneBroker()
    {
        final EngineExecutionResults results = OnlyInEngineTestKit.engine()
            .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
            .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
            .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "4")
            .selectors(selectClass(ParallelClass.class)).execute();

        results.testEvents().assertStatistics(stats -> stats.started(4).succeeded(4));
    }

    @RockletTest(topicQueues = 0)
    @ExtendWith(OnlyInEngineTestKit.class)
    static class IllegalAnnotationClass
    {
        @Test
        void shouldNotRun()
        {
        }
    }

    @ExtendWith(OnlyInEngineTestKit.class)
    @Execution(ExecutionMode.CONCURRENT)
    static class ParallelClass
    {
        private static final int MESSAGES = 20;
        private static final Duration WAIT = Duration.ofSeconds(20);

        @RegisterExtension
        static final RockletExtension ROCKLET = RockletExtension.shared();

        @Test
        void first(final TestTopic topic, final RecordingListener listener)
        {
            exchange("first", topic, listener);
        }

        @Test
        void second(final TestTopic topic, final RecordingListener listener)
        {
            exchange("second", topic, listener);
        }

        @Test
        void third(final TestTopic topic, final RecordingListener listener)
        {
            exchange("third", topic, listener);
        }

        @Test
        void fourth(final TestTopic topic, final RecordingListener listener)
        {
            exchange("fourth", topic, listener);
        }

        private static void exchange(final String test, final TestTopic topic, final RecordingListener listener)
        {
            for (int i = 0; i < MESSAGES; i++)
            {
                topic.send(test + "-" + i);
            }
            final List<ReceivedMessage> read = topic.receive(MESSAGES, WAIT);
            final List<ReceivedMessage> pushed = listener.awaitCount(MESSAGES, WAIT);
            for (final List<ReceivedMessage> received : List.of(read, pushed))
            {
                final Set<String> bodies = new HashSet<>();
                received.forEach(message -> bodies.add(new String(message.bodyBytes(), StandardCharsets.UTF_8)));
                assertEquals(MESSAGES, bodies.size());
                assertTrue(bodies.stream().allMatch(body -> body.startsWith(test + "-")), test + ": " + bodies);
            }
            assertEquals(MESSAGES, topic.messageCount());
        }
    }
}
