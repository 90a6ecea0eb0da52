package io.rocklet.api.agent;

import io.rocklet.api.ClosedException;
import io.rocklet.api.InvalidArgumentException;

import java.util.ArrayList;
import java.util.List;

/**
 * Owns the threads that run the components' agents (Aeron's MediaDriver pattern): a broker, its store and a router
 * {@link #add add} their {@link HostedAgent}s instead of starting threads, and the {@link ThreadingMode} decides how
 * many threads run them. Each {@code add} returns the component's {@link Agents}; closing them takes exactly those
 * agents off (their {@code onClose} has run when {@code close} returns) while the other components' agents keep
 * running, and {@link #close()} stops the threads after closing whatever is still on them.
 *
 * <p>An agent that throws is reported to the error handler it was added with and keeps its place; the other agents
 * on its thread are not affected. Thread-safe, except that in {@link ThreadingMode#INVOKER} one thread at a time
 * calls {@link #invoke()}, {@link Agents#invoke()} and {@code close}.
 */
public final class AgentHost implements AutoCloseable
{
    /** Prefix of a shared thread's name: {@code rocklet-agents-<host name>}. */
    public static final String SHARED_THREAD_PREFIX = "rocklet-agents-";

    /** How the host runs its agents. */
    public enum ThreadingMode
    {
        /** A daemon thread per agent, named after the agent, with the agent's own idle strategy. */
        DEDICATED,
        /**
         * One daemon thread {@code rocklet-agents-<name>} runs every agent in turn and idles with the eagerest of their
         * idle strategies, woken at once by new work ({@link Agents#wake()}).
         */
        SHARED,
        /** No thread: the caller runs the agents with {@link #invoke()} or {@link Agents#invoke()}. */
        INVOKER
    }

    /** Receives what an agent threw. */
    @FunctionalInterface
    public interface ErrorHandler
    {
        /**
         * @param roleName the failing agent's {@link HostedAgent#roleName()}.
         * @param error    what it threw.
         */
        void onError(String roleName, Throwable error);
    }

    private final String name;
    private final ThreadingMode mode;
    private final AgentThread shared;
    private final List<Agents> added = new ArrayList<>();
    private boolean closed;

    private AgentHost(final String name, final ThreadingMode mode)
    {
        this.name = name;
        this.mode = mode;
        this.shared = mode == ThreadingMode.SHARED ? new AgentThread(SHARED_THREAD_PREFIX + name, null) : null;
        if (shared != null)
        {
            shared.start();
        }
    }

    /**
     * @param name names the shared thread ({@code rocklet-agents-<name>}); letters, digits, '_', '-', '.' only.
     * @param mode how the agents run.
     * @return a started host (in SHARED mode its thread runs, parked until agents join).
     * @throws InvalidArgumentException for an illegal name or a null mode.
     */
    public static AgentHost start(final String name, final ThreadingMode mode)
    {
        if (name == null || !name.matches("[a-zA-Z0-9_.-]+") || mode == null)
        {
            throw new InvalidArgumentException("illegal agent host: name=" + name + ", mode=" + mode +
                ", allowed: name [a-zA-Z0-9_.-]+, mode DEDICATED, SHARED or INVOKER");
        }
        return new AgentHost(name, mode);
    }

    /**
     * @return the host's name.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return how the host runs its agents.
     */
    public ThreadingMode mode()
    {
        return mode;
    }

    /**
     * Starts running a component's agents.
     *
     * @param idle   how a thread of these agents waits for work (DEDICATED: each agent's thread; SHARED: the thread
     *               takes the eagerest of its agents' strategies; INVOKER: unused).
     * @param errors receives what the agents throw.
     * @param agents the agents, run in this order on a shared thread.
     * @return the component's handle: {@link Agents#close()} takes these agents off the host.
     * @throws ClosedException when the host is closed.
     */
    public Agents add(final Idle idle, final ErrorHandler errors, final HostedAgent... agents)
    {
        if (idle == null || errors == null || agents == null || agents.length == 0)
        {
            throw new InvalidArgumentException("illegal agents for host " + name + ": idle=" + idle + ", errors=" +
                errors + ", agents=" + (agents == null ? null : agents.length));
        }
        final AgentThread.Member[] members = new AgentThread.Member[agents.length];
        for (int i = 0; i < agents.length; i++)
        {
            members[i] = new AgentThread.Member(agents[i], errors, idle);
        }
        synchronized (this)
        {
            if (closed)
            {
                throw new ClosedException("agent host closed: name=" + name);
            }
            final Agents handle = new Agents(this, members);
            added.add(handle);
            handle.start();
            return handle;
        }
    }

    /**
     * In {@link ThreadingMode#INVOKER}, runs one duty cycle of every agent on the host on the calling thread.
     *
     * @return the amount of work done.
     * @throws IllegalStateException in the other modes.
     */
    public int invoke()
    {
        final Agents[] all;
        synchronized (this)
        {
            checkInvoker();
            all = added.toArray(new Agents[0]);
        }
        int work = 0;
        for (final Agents agents : all)
        {
            work += agents.invoke();
        }
        return work;
    }

    /**
     * Closes the agents still on the host (their {@code onClose} runs), then stops its threads. Idempotent.
     */
    @Override
    public void close()
    {
        final Agents[] all;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            all = added.toArray(new Agents[0]);
        }
        for (final Agents agents : all)
        {
            agents.close();
        }
        if (shared != null)
        {
            shared.stop();
        }
    }

    @Override
    public String toString()
    {
        return "AgentHost{" + name + ", " + mode + '}';
    }

    private synchronized void removed(final Agents agents)
    {
        added.remove(agents);
    }

    private void checkInvoker()
    {
        if (mode != ThreadingMode.INVOKER)
        {
            throw new IllegalStateException("invoke() is for ThreadingMode.INVOKER; agent host " + name + " runs " +
                mode);
        }
    }

    /**
     * One component's agents on a host.
     */
    public static final class Agents implements AutoCloseable
    {
        private final AgentHost host;
        private final AgentThread.Member[] members;
        private final AgentThread[] threads;
        private volatile boolean closed;

        private Agents(final AgentHost host, final AgentThread.Member[] members)
        {
            this.host = host;
            this.members = members;
            if (host.mode == ThreadingMode.DEDICATED)
            {
                threads = new AgentThread[members.length];
                for (int i = 0; i < members.length; i++)
                {
                    threads[i] = new AgentThread(members[i].agent.roleName(), members[i].idle);
                }
            }
            else
            {
                threads = host.shared == null ? new AgentThread[0] : new AgentThread[] {host.shared};
            }
        }

        private void start()
        {
            switch (host.mode)
            {
                case DEDICATED ->
                {
                    for (int i = 0; i < members.length; i++)
                    {
                        threads[i].join(new AgentThread.Member[] {members[i]});
                        threads[i].start();
                    }
                }
                case SHARED -> host.shared.join(members);
                default ->
                {
                    for (final AgentThread.Member member : members)
                    {
                        member.start();
                    }
                }
            }
        }

        /**
         * @return the names of the threads that run these agents (none in INVOKER mode).
         */
        public List<String> threadNames()
        {
            final List<String> names = new ArrayList<>();
            for (final AgentThread thread : threads)
            {
                names.add(thread.name());
            }
            return names;
        }

        /**
         * Wakes the thread(s) running these agents so that work handed to them is done now rather than after the
         * current park period. Cheap enough for every append (a volatile write; an unpark only when parked).
         */
        public void wake()
        {
            for (final AgentThread thread : threads)
            {
                thread.wake();
            }
        }

        /**
         * In {@link ThreadingMode#INVOKER}, runs one duty cycle of these agents on the calling thread.
         *
         * @return the amount of work done.
         * @throws IllegalStateException in the other modes.
         * @throws ClosedException once closed.
         */
        public int invoke()
        {
            host.checkInvoker();
            if (closed)
            {
                throw new ClosedException("agents closed: host=" + host.name + ", agents=" + roleNames());
            }
            int work = 0;
            for (final AgentThread.Member member : members)
            {
                work += member.doWork();
            }
            return work;
        }

        /**
         * Takes these agents off the host: when it returns their {@code onClose} has run and none of them runs
         * again; the host's other agents keep running. Idempotent.
         */
        @Override
        public void close()
        {
            synchronized (this)
            {
                if (closed)
                {
                    return;
                }
                closed = true;
            }
            switch (host.mode)
            {
                case DEDICATED ->
                {
                    for (final AgentThread thread : threads)
                    {
                        thread.stop();
                    }
                }
                case SHARED -> host.shared.leave(members);
                default ->
                {
                    for (final AgentThread.Member member : members)
                    {
                        member.close();
                    }
                }
            }
            host.removed(this);
        }

        @Override
        public String toString()
        {
            return "Agents{host=" + host.name + ", agents=" + roleNames() + '}';
        }

        private List<String> roleNames()
        {
            final List<String> names = new ArrayList<>();
            for (final AgentThread.Member member : members)
            {
                names.add(member.agent.roleName());
            }
            return names;
        }
    }
}
