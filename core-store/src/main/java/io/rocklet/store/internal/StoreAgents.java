package io.rocklet.store.internal;

import io.rocklet.store.ThreadingMode;
import io.rocklet.store.internal.dispatch.DispatchRing;
import io.rocklet.store.internal.dispatch.Dispatcher;
import io.rocklet.store.internal.dispatch.WakeableIdleStrategy;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the store's two agents according to the {@link ThreadingMode}: a thread each (the dispatcher
 * backs off but is woken by appends; the housekeeper sleeps between checks), one shared thread, or
 * none (the caller invokes them). Threads are daemons named after the agent and the directory.
 */
final class StoreAgents
{
    private static final Logger LOG = LoggerFactory.getLogger(StoreAgents.class);
    private static final long MIN_PARK_NS = TimeUnit.MICROSECONDS.toNanos(1);
    private static final long MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long HOUSEKEEPER_SLEEP_MS = 5;
    /** On a shared thread the dispatcher sets the pace; the housekeeper (clock reads) runs every 16th cycle. */
    private static final int SHARED_HOUSEKEEPING_EVERY = 16;

    private final ThreadingMode mode;
    private final List<AgentRunner> runners = new ArrayList<>();
    private final AgentInvoker invoker;
    private final String suffix;

    StoreAgents(final ThreadingMode mode, final Dispatcher dispatcher, final Housekeeper housekeeper,
        final DispatchRing ring, final Path directory)
    {
        this.mode = mode;
        this.suffix = directory.getFileName() == null ? "" : "-" + directory.getFileName();
        final ErrorHandler errors = e -> LOG.error("store agent failed: dir={}, error={}", directory, e.toString(), e);
        final WakeableIdleStrategy dispatcherIdle = new WakeableIdleStrategy(20, 10, MIN_PARK_NS, MAX_PARK_NS,
            ring::hasEvents);
        ring.consumerIdle(dispatcherIdle);
        switch (mode)
        {
            case DEDICATED ->
            {
                runners.add(new AgentRunner(dispatcherIdle, errors, null, dispatcher));
                runners.add(new AgentRunner(new SleepingMillisIdleStrategy(HOUSEKEEPER_SLEEP_MS), errors, null,
                    housekeeper));
                invoker = null;
            }
            case SHARED ->
            {
                runners.add(new AgentRunner(dispatcherIdle, errors, null,
                    new CompositeAgent(dispatcher, new EveryNthCycle(housekeeper, SHARED_HOUSEKEEPING_EVERY))));
                invoker = null;
            }
            default ->
            {
                ring.consumerIdle(null);
                invoker = new AgentInvoker(errors, null, new CompositeAgent(dispatcher, housekeeper));
            }
        }
    }

    void start()
    {
        for (final AgentRunner runner : runners)
        {
            final String name = runner.agent().roleName() + suffix;
            AgentRunner.startOnThread(runner, task ->
            {
                final Thread thread = new Thread(task, name);
                thread.setDaemon(true);
                return thread;
            });
        }
        if (invoker != null)
        {
            invoker.start();
        }
    }

    int invoke()
    {
        if (invoker == null)
        {
            throw new IllegalStateException("doWork() is for ThreadingMode.INVOKER; this store runs " + mode);
        }
        return invoker.invoke();
    }

    void stop()
    {
        for (final AgentRunner runner : runners)
        {
            runner.close();
        }
        if (invoker != null)
        {
            invoker.close();
        }
    }


    /**
     * Runs an agent every {@code n}th duty cycle of the thread it shares: enough for work paced by
     * clocks (flush, checkpoint, retention) without reading the clock on every dispatcher cycle.
     */
    private static final class EveryNthCycle implements Agent
    {
        private final Agent agent;
        private final int n;
        private int countdown;

        EveryNthCycle(final Agent agent, final int n)
        {
            this.agent = agent;
            this.n = n;
        }

        @Override
        public int doWork() throws Exception
        {
            if (--countdown > 0)
            {
                return 0;
            }
            countdown = n;
            return agent.doWork();
        }

        @Override
        public void onStart()
        {
            agent.onStart();
        }

        @Override
        public void onClose()
        {
            agent.onClose();
        }

        @Override
        public String roleName()
        {
            return agent.roleName();
        }
    }
}
