package io.rocklet.embedded;

import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.SendReceipt;
import io.rocklet.api.agent.AgentHost;
import io.rocklet.api.spi.BrokerService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Which threads an embedded instance's agents run on (issue 15: one thread by default, not three).
 */
@Timeout(60)
class EmbeddedRockletThreadsTest
{
    /** Name prefixes of every Rocklet agent thread, shared or dedicated. */
    private static final List<String> AGENT_PREFIXES = List.of("rocklet-agents-", "rocklet-dispatcher",
        "rocklet-housekeeper", "rocklet-broker-", "rocklet-router-");

    /** The threads alive before the test's instance started. */
    private final Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());

    @Test
    void shouldRunRouterBrokerAndStoreOnExactlyOneAgentThreadWhenDefault() throws Exception
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.builder().name("one-thread").start())
        {
            assertEquals(AgentHost.ThreadingMode.SHARED, rocklet.agentHost().mode());
            assertEquals(Set.of("rocklet-agents-one-thread"), agentThreads());

            final SendReceipt receipt = rocklet.newProducer("app").send(Message.builder("orders").body("x").build());
            final BrokerService.PullResult pulled = rocklet.broker().pull(new BrokerService.PullRequest("g", "orders",
                receipt.queue().queueId(), receipt.queueOffset(), 10, "*", 10_000)).get(10, TimeUnit.SECONDS);

            assertEquals(BrokerService.PullStatus.FOUND, pulled.status(), "the shared thread dispatched the message");
            assertEquals(Set.of("rocklet-agents-one-thread"), agentThreads());
        }
        assertEquals(Set.of(), agentThreads(), "the thread ends with the instance");
    }

    @Test
    void shouldRunEachAgentOnItsOwnThreadWhenDedicated()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.builder().name("dedicated")
            .threadingMode(AgentHost.ThreadingMode.DEDICATED).start())
        {
            final Set<String> threads = agentThreads();

            assertEquals(4, threads.size(), threads.toString());
            assertTrue(threads.contains("rocklet-broker-broker-dedicated"), threads.toString());
            assertTrue(threads.contains("rocklet-router-router-dedicated"), threads.toString());
            assertEquals(2, threads.stream().filter(t -> t.startsWith("rocklet-dispatcher-") ||
                t.startsWith("rocklet-housekeeper-")).count(), threads.toString());
        }
        assertEquals(Set.of(), agentThreads());
    }

    @Test
    void shouldDriveRouterBrokerAndStoreFromCallerWhenInvoker() throws Exception
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.builder().name("invoker")
            .threadingMode(AgentHost.ThreadingMode.INVOKER).start())
        {
            assertEquals(Set.of(), agentThreads());
            final Producer producer = rocklet.newProducer("app");
            final SendReceipt receipt = producer.send(Message.builder("orders").body("x").build());
            final BrokerService.PullRequest pull = new BrokerService.PullRequest("g", "orders",
                receipt.queue().queueId(), receipt.queueOffset(), 10, "*", 0);

            assertNotEquals(BrokerService.PullStatus.FOUND,
                rocklet.broker().pull(pull).get(10, TimeUnit.SECONDS).status(), "nothing dispatches on its own");
            while (rocklet.doWork() > 0)
            {
                // dispatch everything the send appended
            }

            assertEquals(BrokerService.PullStatus.FOUND, rocklet.broker().pull(pull).get(10, TimeUnit.SECONDS).status());
            assertEquals(Set.of(), agentThreads());
        }
    }

    @Test
    void shouldRefuseDoWorkWhenAgentsRunOnThreads()
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.builder().name("threads").start())
        {
            assertThrows(IllegalStateException.class, rocklet::doWork);
        }
    }

    /**
     * @return the live agent threads started since the test began (test classes run one at a time).
     */
    private Set<String> agentThreads()
    {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && !before.contains(t))
            .map(Thread::getName)
            .filter(n -> AGENT_PREFIXES.stream().anyMatch(n::startsWith))
            .collect(Collectors.toSet());
    }
}
