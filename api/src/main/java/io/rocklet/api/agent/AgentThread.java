package io.rocklet.api.agent;

import io.rocklet.api.ClosedException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A daemon thread of an {@link AgentHost} that runs the agents that joined it in turn, idles per {@link Idle} when
 * none did work and lets agents join and leave while it runs (like Agrona's {@code DynamicCompositeAgent}). An agent
 * that throws is reported to its own error handler and the thread goes on with the others. The member list, the
 * back-off state and every agent's {@code onStart}/{@code doWork}/{@code onClose} belong to this thread.
 */
final class AgentThread implements Runnable
{
    /** How long a thread without agents parks; a joining agent wakes it. */
    private static final long EMPTY_PARK_NS = TimeUnit.MILLISECONDS.toNanos(100);

    /** An agent on the thread. {@code closed} is written by the owning thread only. */
    static final class Member
    {
        final HostedAgent agent;
        final AgentHost.ErrorHandler errors;
        final Idle idle;
        boolean closed;

        Member(final HostedAgent agent, final AgentHost.ErrorHandler errors, final Idle idle)
        {
            this.agent = agent;
            this.errors = errors;
            this.idle = idle;
        }

        int doWork()
        {
            if (closed)
            {
                return 0;
            }
            try
            {
                return agent.doWork();
            }
            catch (final Throwable t)
            {
                report(t);
                return 0;
            }
        }

        void start()
        {
            try
            {
                agent.onStart();
            }
            catch (final Throwable t)
            {
                report(t);
            }
        }

        void close()
        {
            if (closed)
            {
                return;
            }
            closed = true;
            try
            {
                agent.onClose();
            }
            catch (final Throwable t)
            {
                report(t);
            }
        }

        private void report(final Throwable t)
        {
            try
            {
                errors.onError(agent.roleName(), t);
            }
            catch (final Throwable ignored)
            {
                // an error handler that fails must not stop the thread the other agents run on
            }
        }
    }

    /** A join (latch null) or leave request, applied by the owning thread. */
    private record Change(Member[] members, boolean join, CountDownLatch done)
    {
    }

    private final Thread thread;
    private final Idle baseIdle;
    private final List<Change> pending = new ArrayList<>();
    private volatile boolean hasChanges;
    private volatile boolean running = true;
    private volatile boolean wakeRequested;
    private volatile Thread parked;
    private boolean exited;
    private Member[] members = new Member[0];
    private Idle idle;
    private int spins;
    private int yields;
    private long parkNs;

    /**
     * @param name     the thread's name.
     * @param baseIdle the idle strategy (null: the eagerest of the members').
     */
    AgentThread(final String name, final Idle baseIdle)
    {
        this.baseIdle = baseIdle;
        this.idle = baseIdle;
        this.parkNs = baseIdle == null ? EMPTY_PARK_NS : baseIdle.minParkNs();
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
    }

    void start()
    {
        thread.start();
    }

    String name()
    {
        return thread.getName();
    }

    /**
     * Adds agents; their {@code onStart} runs on this thread before their first duty cycle.
     *
     * @throws ClosedException when the thread has stopped.
     */
    void join(final Member[] joining)
    {
        submit(new Change(joining, true, null));
    }

    /**
     * Removes agents and returns once their {@code onClose} ran: none of them runs afterwards.
     */
    void leave(final Member[] leaving)
    {
        if (Thread.currentThread() == thread)
        {
            apply(new Change(leaving, false, null));
            return;
        }
        final CountDownLatch done = new CountDownLatch(1);
        if (submit(new Change(leaving, false, done)))
        {
            awaitUninterruptibly(done);
        }
    }

    /**
     * Wakes the thread if it is parked, or keeps it from parking after its current duty cycle.
     */
    void wake()
    {
        wakeRequested = true;
        final Thread parkedThread = parked;
        if (parkedThread != null)
        {
            LockSupport.unpark(parkedThread);
        }
    }

    /**
     * Stops the thread after closing the agents still on it and waits for it to end (unless called from it).
     */
    void stop()
    {
        running = false;
        wake();
        if (Thread.currentThread() != thread && thread.isAlive())
        {
            boolean interrupted = false;
            while (thread.isAlive())
            {
                try
                {
                    thread.join();
                }
                catch (final InterruptedException e)
                {
                    interrupted = true;
                }
            }
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void run()
    {
        while (running)
        {
            if (hasChanges)
            {
                applyPending();
            }
            wakeRequested = false;
            int work = 0;
            for (final Member member : members)
            {
                work += member.doWork();
            }
            idle(work);
        }
        for (final Member member : members)
        {
            member.close();
        }
        members = new Member[0];
        final List<Change> left;
        synchronized (this)
        {
            exited = true;
            left = new ArrayList<>(pending);
            pending.clear();
        }
        for (final Change change : left)
        {
            if (change.done() != null)
            {
                change.done().countDown();
            }
        }
    }

    /** @return false when the thread had already exited (a leave is then complete: its agents were closed). */
    private synchronized boolean submit(final Change change)
    {
        if (exited || !running)
        {
            if (change.join())
            {
                throw new ClosedException("agent thread stopped: thread=" + thread.getName());
            }
            if (exited)
            {
                return false;
            }
        }
        pending.add(change);
        hasChanges = true;
        wake();
        return true;
    }

    private void applyPending()
    {
        final List<Change> changes;
        synchronized (this)
        {
            changes = new ArrayList<>(pending);
            pending.clear();
            hasChanges = false;
        }
        for (final Change change : changes)
        {
            apply(change);
        }
    }

    private void apply(final Change change)
    {
        final List<Member> next = new ArrayList<>(Arrays.asList(members));
        for (final Member member : change.members())
        {
            if (change.join())
            {
                member.start();
                next.add(member);
            }
            else if (next.remove(member))
            {
                member.close();
            }
        }
        members = next.toArray(new Member[0]);
        idle = baseIdle;
        for (final Member member : members)
        {
            idle = idle == null ? member.idle : idle.eagerest(member.idle);
        }
        resetIdle();
        if (change.done() != null)
        {
            change.done().countDown();
        }
    }

    private void idle(final int work)
    {
        if (work > 0)
        {
            resetIdle();
        }
        else if (idle != null && spins < idle.maxSpins())
        {
            spins++;
            Thread.onSpinWait();
        }
        else if (idle != null && yields < idle.maxYields())
        {
            yields++;
            Thread.yield();
        }
        else
        {
            parked = thread;
            if (!wakeRequested && running)
            {
                LockSupport.parkNanos(parkNs);
                parkNs = Math.min(parkNs << 1, idle == null ? EMPTY_PARK_NS : idle.maxParkNs());
            }
            parked = null;
        }
    }

    private void resetIdle()
    {
        spins = 0;
        yields = 0;
        parkNs = idle == null ? EMPTY_PARK_NS : idle.minParkNs();
    }

    private static void awaitUninterruptibly(final CountDownLatch latch)
    {
        boolean interrupted = false;
        while (latch.getCount() > 0)
        {
            try
            {
                latch.await();
            }
            catch (final InterruptedException e)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
