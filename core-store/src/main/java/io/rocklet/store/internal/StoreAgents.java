package io.rocklet.store.internal;

import io.rocklet.api.agent.AgentHost;
import io.rocklet.api.agent.HostedAgent;
import io.rocklet.api.agent.Idle;
import io.rocklet.store.ThreadingMode;
import io.rocklet.store.internal.dispatch.DispatchRing;
import io.rocklet.store.internal.dispatch.Dispatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Hands the store's two agents to an {@link AgentHost}: the one the store was opened with (a broker's, an embedded
 * instance's), or a host of its own made after the store's {@link ThreadingMode}. The dispatcher backs off (spin,
 * yield, park up to 2 ms) and is woken by appends through the ring; the housekeeper sleeps between checks on a thread
 * of its own, or runs every 16th duty cycle when it shares the dispatcher's thread.
 */
final class StoreAgents
{
    private static final Logger LOG = LoggerFactory.getLogger(StoreAgents.class);
    /**
     * The dispatcher's back-off: every append wakes it (no wake-up is lost), so parking up to 2 ms - the broker agent's
     * cadence, with which it shares an embedded instance's thread - costs arrivals no latency and halves idle wake-ups.
     */
    static final Idle DISPATCHER_IDLE = new Idle(20, 10, TimeUnit.MICROSECONDS.toNanos(1),
        TimeUnit.MILLISECONDS.toNanos(2));
    private static final Idle HOUSEKEEPER_IDLE = Idle.sleeping(5);
    /** On a shared thread the dispatcher sets the pace; the housekeeper (clock reads) runs every 16th cycle. */
    private static final int SHARED_HOUSEKEEPING_EVERY = 16;

    private final ThreadingMode mode;
    private final AgentHost givenHost;
    private final Dispatcher dispatcher;
    private final Housekeeper housekeeper;
    private final DispatchRing ring;
    private final Path directory;
    private final String suffix;
    private final List<AgentHost.Agents> agents = new ArrayList<>();
    private AgentHost ownHost;

    /**
     * @param host the host to run on, or null for one of the store's own after {@code mode}.
     */
    StoreAgents(final ThreadingMode mode, final AgentHost host, final Dispatcher dispatcher,
        final Housekeeper housekeeper, final DispatchRing ring, final Path directory)
    {
        this.mode = mode;
        this.givenHost = host;
        this.dispatcher = dispatcher;
        this.housekeeper = housekeeper;
        this.ring = ring;
        this.directory = directory;
        this.suffix = directory.getFileName() == null ? "" : "-" + directory.getFileName();
    }

    void start()
    {
        final AgentHost host;
        if (givenHost != null)
        {
            host = givenHost;
        }
        else
        {
            ownHost = AgentHost.start("store" + suffix.replaceAll("[^a-zA-Z0-9_.-]", "_"),
                AgentHost.ThreadingMode.valueOf(mode.name()));
            host = ownHost;
        }
        final AgentHost.ErrorHandler errors = (role, e) -> LOG.error("store agent failed: dir={}, agent={}, error={}",
            directory, role, e.toString(), e);
        final HostedAgent dispatching = new Renamed(dispatcher, 1, dispatcher.roleName() + suffix);
        switch (host.mode())
        {
            case DEDICATED ->
            {
                agents.add(host.add(DISPATCHER_IDLE, errors, dispatching));
                agents.add(host.add(HOUSEKEEPER_IDLE, errors, new Renamed(housekeeper, 1,
                    housekeeper.roleName() + suffix)));
            }
            case SHARED -> agents.add(host.add(DISPATCHER_IDLE, errors, dispatching,
                new Renamed(housekeeper, SHARED_HOUSEKEEPING_EVERY, housekeeper.roleName() + suffix)));
            default -> agents.add(host.add(DISPATCHER_IDLE, errors, dispatching,
                new Renamed(housekeeper, 1, housekeeper.roleName() + suffix)));
        }
        if (host.mode() != AgentHost.ThreadingMode.INVOKER)
        {
            final AgentHost.Agents dispatcherAgents = agents.get(0);
            ring.consumerWaker(dispatcherAgents::wake);
        }
    }

    int invoke()
    {
        if ((givenHost == null ? mode == ThreadingMode.INVOKER : givenHost.mode() == AgentHost.ThreadingMode.INVOKER))
        {
            int work = 0;
            for (final AgentHost.Agents each : agents)
            {
                work += each.invoke();
            }
            return work;
        }
        throw new IllegalStateException("doWork() is for ThreadingMode.INVOKER; this store runs " +
            (givenHost == null ? mode : givenHost));
    }

    /**
     * Takes the agents off their host (their last duty cycle has ended when it returns) and closes an own host.
     */
    void stop()
    {
        ring.consumerWaker(null);
        for (final AgentHost.Agents each : agents)
        {
            each.close();
        }
        if (ownHost != null)
        {
            ownHost.close();
        }
    }

    /**
     * Names an agent after its store (a dedicated thread takes the name) and, on a shared thread, runs it every
     * {@code n}th duty cycle: enough for work paced by clocks (flush, checkpoint, retention) without reading the clock
     * on every dispatcher cycle.
     */
    private static final class Renamed implements HostedAgent
    {
        private final HostedAgent agent;
        private final int n;
        private final String roleName;
        private int countdown;

        Renamed(final HostedAgent agent, final int n, final String roleName)
        {
            this.agent = agent;
            this.n = n;
            this.roleName = roleName;
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
            return roleName;
        }
    }
}
