package io.rocklet.api.agent;

import io.rocklet.api.ClosedException;
import io.rocklet.api.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(30)
class AgentHostTest
{
    private static final Idle EAGER = new Idle(0, 0, TimeUnit.MICROSECONDS.toNanos(10),
        TimeUnit.MILLISECONDS.toNanos(1));
    private static final AgentHost.ErrorHandler FAIL = (role, error) -> fail(role + " threw " + error);

    /** Counts its cycles, records the threads it ran on and lets a test wait for its n-th cycle. */
    private static final class Counting implements HostedAgent
    {
        final String name;
        final AtomicInteger cycles = new AtomicInteger();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch closed = new CountDownLatch(1);
        volatile CountDownLatch reached = new CountDownLatch(0);
        volatile int target;

        Counting(final String name)
        {
            this.name = name;
        }

        CountDownLatch awaitMore(final int more)
        {
            target = cycles.get() + more;
            reached = new CountDownLatch(1);
            return reached;
        }

        @Override
        public int doWork()
        {
            threads.add(Thread.currentThread().getName());
            if (cycles.incrementAndGet() >= target)
            {
                reached.countDown();
            }
            return 0;
        }

        @Override
        public void onStart()
        {
            threads.add(Thread.currentThread().getName());
            started.countDown();
        }

        @Override
        public void onClose()
        {
            closed.countDown();
        }

        @Override
        public String roleName()
        {
            return name;
        }
    }

    @Test
    void shouldStopOnlyClosedComponentsAgentsWhenHostIsShared() throws Exception
    {
        final Counting broker = new Counting("broker");
        final Counting router = new Counting("router");
        try (AgentHost host = AgentHost.start("shared-test", AgentHost.ThreadingMode.SHARED))
        {
            final AgentHost.Agents brokerAgents = host.add(EAGER, FAIL, broker);
            host.add(EAGER, FAIL, router);
            assertTrue(broker.awaitMore(3).await(10, TimeUnit.SECONDS));

            brokerAgents.close();

            assertEquals(0, broker.closed.getCount(), "onClose ran before close() returned");
            final int cyclesAtClose = broker.cycles.get();
            assertTrue(router.awaitMore(50).await(10, TimeUnit.SECONDS), "the router's agent keeps running");
            assertEquals(cyclesAtClose, broker.cycles.get(), "no cycle of a closed component's agent");
            assertEquals(1, router.closed.getCount());
            assertEquals(Set.of("rocklet-agents-shared-test"), router.threads);
            assertEquals(Set.of("rocklet-agents-shared-test"), broker.threads);
        }
        assertEquals(0, router.closed.getCount(), "closing the host closes the agents still on it");
    }

    @Test
    void shouldReportFailureAndKeepOtherAgentsRunningWhenAgentThrowsOnSharedThread() throws Exception
    {
        final AtomicReference<String> failedRole = new AtomicReference<>();
        final CountDownLatch failures = new CountDownLatch(3);
        final HostedAgent failing = new HostedAgent()
        {
            @Override
            public int doWork()
            {
                throw new IllegalStateException("broken agent");
            }

            @Override
            public String roleName()
            {
                return "failing";
            }
        };
        final Counting healthy = new Counting("healthy");
        try (AgentHost host = AgentHost.start("errors-test", AgentHost.ThreadingMode.SHARED))
        {
            host.add(EAGER, (role, error) ->
            {
                failedRole.set(role + ": " + error.getMessage());
                failures.countDown();
            }, failing);
            host.add(EAGER, FAIL, healthy);

            assertTrue(failures.await(10, TimeUnit.SECONDS), "every failure reaches the error handler");
            assertTrue(healthy.awaitMore(20).await(10, TimeUnit.SECONDS), "the other agent keeps running");
            assertEquals("failing: broken agent", failedRole.get());
        }
    }

    @Test
    void shouldKeepSharedThreadRunningWhenErrorHandlerThrows() throws Exception
    {
        final HostedAgent failing = new HostedAgent()
        {
            @Override
            public int doWork()
            {
                throw new IllegalStateException("broken agent");
            }

            @Override
            public String roleName()
            {
                return "failing";
            }
        };
        final Counting healthy = new Counting("healthy");
        try (AgentHost host = AgentHost.start("handler-test", AgentHost.ThreadingMode.SHARED))
        {
            host.add(EAGER, (role, error) -> { throw new IllegalStateException("broken handler"); }, failing);
            host.add(EAGER, FAIL, healthy);

            assertTrue(healthy.awaitMore(20).await(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldRunAgentsOnCallerWhenInvoker()
    {
        final Counting first = new Counting("first");
        final Counting second = new Counting("second");
        try (AgentHost host = AgentHost.start("invoker-test", AgentHost.ThreadingMode.INVOKER))
        {
            final AgentHost.Agents firstAgents = host.add(EAGER, FAIL, first);
            final AgentHost.Agents secondAgents = host.add(EAGER, FAIL, second);
            assertEquals(0, first.started.getCount(), "onStart runs in add()");
            assertEquals(List.of(), firstAgents.threadNames());

            host.invoke();
            firstAgents.invoke();

            assertEquals(2, first.cycles.get());
            assertEquals(1, second.cycles.get());
            assertEquals(Set.of(Thread.currentThread().getName()), first.threads);

            firstAgents.close();
            assertEquals(0, first.closed.getCount());
            assertThrows(ClosedException.class, firstAgents::invoke);
            host.invoke();
            assertEquals(2, first.cycles.get());
            assertEquals(2, second.cycles.get());
            assertEquals(1, second.closed.getCount());
            secondAgents.close();
            assertEquals(0, second.closed.getCount());
        }
    }

    @Test
    void shouldRefuseInvokeWhenHostRunsThreads()
    {
        try (AgentHost host = AgentHost.start("threads-test", AgentHost.ThreadingMode.SHARED))
        {
            final AgentHost.Agents agents = host.add(EAGER, FAIL, new Counting("a"));

            assertThrows(IllegalStateException.class, host::invoke);
            assertThrows(IllegalStateException.class, agents::invoke);
        }
    }

    @Test
    void shouldRunEachAgentOnThreadNamedAfterItWhenDedicated() throws Exception
    {
        final Counting dispatcher = new Counting("rocklet-dispatcher-x");
        final Counting housekeeper = new Counting("rocklet-housekeeper-x");
        try (AgentHost host = AgentHost.start("dedicated-test", AgentHost.ThreadingMode.DEDICATED))
        {
            final AgentHost.Agents agents = host.add(EAGER, FAIL, dispatcher, housekeeper);
            assertEquals(List.of("rocklet-dispatcher-x", "rocklet-housekeeper-x"), agents.threadNames());
            assertTrue(dispatcher.awaitMore(3).await(10, TimeUnit.SECONDS));
            assertTrue(housekeeper.awaitMore(3).await(10, TimeUnit.SECONDS));

            agents.close();

            assertEquals(0, dispatcher.closed.getCount());
            assertEquals(0, housekeeper.closed.getCount());
            assertEquals(Set.of("rocklet-dispatcher-x"), dispatcher.threads);
            assertEquals(Set.of("rocklet-housekeeper-x"), housekeeper.threads);
        }
    }

    @Test
    void shouldRunNewWorkAtOnceWhenParkedSharedThreadIsWoken() throws Exception
    {
        final Idle hourLong = new Idle(0, 0, TimeUnit.HOURS.toNanos(1), TimeUnit.HOURS.toNanos(1));
        final AtomicInteger pending = new AtomicInteger();
        final CountDownLatch done = new CountDownLatch(1);
        final Counting idleAgent = new Counting("idle");
        final HostedAgent worker = new HostedAgent()
        {
            @Override
            public int doWork()
            {
                if (pending.getAndSet(0) > 0)
                {
                    done.countDown();
                    return 1;
                }
                return 0;
            }

            @Override
            public String roleName()
            {
                return "worker";
            }
        };
        try (AgentHost host = AgentHost.start("wake-test", AgentHost.ThreadingMode.SHARED))
        {
            final AgentHost.Agents agents = host.add(hourLong, FAIL, worker, idleAgent);
            assertTrue(idleAgent.started.await(10, TimeUnit.SECONDS));
            final Thread thread = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("rocklet-agents-wake-test")).findFirst().orElseThrow();
            while (idleAgent.cycles.get() == 0 || thread.getState() != Thread.State.TIMED_WAITING)
            {
                Thread.onSpinWait(); // until the thread parks for the hour
            }

            pending.incrementAndGet();
            agents.wake();

            assertTrue(done.await(20, TimeUnit.SECONDS), "woken, not after the hour-long park");
        }
    }

    @Test
    void shouldRefuseAgentsWhenHostClosed()
    {
        final AgentHost host = AgentHost.start("closed-test", AgentHost.ThreadingMode.SHARED);
        host.close();

        final ClosedException e = assertThrows(ClosedException.class,
            () -> host.add(EAGER, FAIL, new Counting("late")));
        assertTrue(e.getMessage().contains("closed-test"), e.getMessage());
    }

    @Test
    void shouldRefuseIllegalHostNameOrIdle()
    {
        assertThrows(InvalidArgumentException.class, () -> AgentHost.start("has space", AgentHost.ThreadingMode.SHARED));
        assertThrows(InvalidArgumentException.class, () -> AgentHost.start("x", null));
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> new Idle(0, 0, 5, 1));
        assertTrue(e.getMessage().contains("maxParkNs=1"), e.getMessage());
    }
}
