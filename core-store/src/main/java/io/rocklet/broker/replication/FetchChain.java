package io.rocklet.broker.replication;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.BrokerService.ReplicaFetchRequest;
import io.rocklet.api.spi.BrokerService.ReplicaFetchResult;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A slave's fetches as a chain of continuations, so that no thread waits for an answer and none is handed one: the
 * thread that completes a fetch (under the local transport the master's thread that appended the bytes, over gRPC
 * the client executor) applies the answer ({@link Step}) and at once issues the next fetch, whose offset acknowledges
 * what was applied. A SYNC send on a master in the same JVM is thus replicated and acknowledged on its own thread before
 * it waits at all.
 *
 * <p>A thread not the owner's runs at most {@link #FOREIGN_STEPS} steps (a master's sending thread must get back to
 * its caller); past that, and when the owner's own run reaches {@link #OWNER_STEPS}, the answer in hand is handed to
 * the owner thread ({@link #runHandedOff()}), woken by {@code wake}. A failure (an answer that is an error, a step
 * that throws) ends the chain and wakes the owner, which finds it in {@link #check}.
 *
 * <p>Threads: {@link #start}, {@link #runHandedOff} and {@link #check} on the owner thread (the slave's replication
 * thread); continuations on any thread; {@link #end} on any thread. Steps are serialised by one lock, which
 * {@link #end} takes too: once it returns no step of the ended chain runs or will run (answers to its fetches are
 * ignored), so the store may be truncated. Fetches are issued outside the lock (under the local transport an issue may
 * complete another chain's fetch on this thread).
 */
final class FetchChain
{
    /** Steps a thread other than the owner's runs in a row before handing the chain to the owner. */
    static final int FOREIGN_STEPS = 2;
    /** Steps the owner runs in a row before it looks at its other duties (metadata, timeouts). */
    static final int OWNER_STEPS = 64;

    /**
     * Applies a fetch's answer. Runs under the chain's lock, on any thread.
     */
    @FunctionalInterface
    interface Step
    {
        /**
         * @return the next fetch, acknowledging what this answer added.
         */
        ReplicaFetchRequest onAnswer(ReplicaFetchResult answer);
    }

    private record Handoff(long generation, CompletableFuture<ReplicaFetchResult> answer)
    {
    }

    private final Function<ReplicaFetchRequest, CompletableFuture<ReplicaFetchResult>> master;
    private final Step step;
    private final Runnable wake;
    private final NanoClock nanoClock;
    private final Object lock = new Object();
    private final AtomicReference<Handoff> handoff = new AtomicReference<>();
    /** Bumped by every start, end and failure: continuations of an older chain do nothing. Guarded by lock. */
    private long generation;
    private volatile RuntimeException failure;
    /** When the fetch in flight was issued, or 0 while none is (an answer in hand, or no chain). */
    private volatile long inFlightSinceNs;

    /**
     * @param master issues a fetch to the master (the transport's {@code fetchReplica}).
     * @param wake   wakes the owner thread (unparks it).
     */
    FetchChain(final Function<ReplicaFetchRequest, CompletableFuture<ReplicaFetchResult>> master, final Step step,
        final Runnable wake, final NanoClock nanoClock)
    {
        this.master = master;
        this.step = step;
        this.wake = wake;
        this.nanoClock = nanoClock;
    }

    /**
     * Starts a chain with {@code first} (ending any running one). Owner thread.
     */
    void start(final ReplicaFetchRequest first)
    {
        final long started;
        synchronized (lock)
        {
            started = ++generation;
            failure = null;
        }
        handoff.set(null);
        advance(started, issue(started, first), OWNER_STEPS);
    }

    /**
     * Ends the running chain: waits for a step in progress; answers to its fetches are ignored from now on.
     */
    void end()
    {
        synchronized (lock)
        {
            generation++;
            inFlightSinceNs = 0;
        }
        handoff.set(null);
    }

    /**
     * Runs the answer handed to the owner, if any. Owner thread.
     *
     * @return whether there was one.
     */
    boolean runHandedOff()
    {
        final Handoff handed = handoff.getAndSet(null);
        if (handed == null)
        {
            return false;
        }
        advance(handed.generation, handed.answer, OWNER_STEPS);
        return true;
    }

    /**
     * @return whether an answer waits for the owner.
     */
    boolean handedOff()
    {
        return handoff.get() != null;
    }

    /**
     * Owner thread: throws the chain's failure, or fails it when its fetch has not been answered within
     * {@code answerTimeoutNs}.
     *
     * @throws RockletException the failure (the chain has ended), or TIMEOUT.
     */
    void check(final long answerTimeoutNs, final String masterAddress)
    {
        final RuntimeException failed = failure;
        if (failed != null)
        {
            failure = null;
            throw failed;
        }
        final long since = inFlightSinceNs;
        if (since != 0 && nanoClock.nanoTime() - since > answerTimeoutNs)
        {
            end();
            throw new RockletException(ErrorCode.TIMEOUT, "replica fetch not answered: master=" + masterAddress +
                ", waitedMs=" + answerTimeoutNs / 1_000_000);
        }
    }

    /** Runs steps while answers are in hand; registers itself on the first fetch not yet answered. */
    private void advance(final long chain, final CompletableFuture<ReplicaFetchResult> first, final int maxSteps)
    {
        CompletableFuture<ReplicaFetchResult> next = first;
        int steps = 0;
        while (next != null)
        {
            if (!next.isDone())
            {
                final CompletableFuture<ReplicaFetchResult> pending = next;
                pending.whenComplete((answer, error) -> advance(chain, pending, FOREIGN_STEPS));
                return;
            }
            if (steps == maxSteps)
            {
                handoff.set(new Handoff(chain, next));
                wake.run();
                return;
            }
            next = step(chain, next);
            steps++;
        }
    }

    /** Applies one answer and issues the next fetch: the fetch in flight, or null when the chain ended. */
    private CompletableFuture<ReplicaFetchResult> step(final long chain, final CompletableFuture<ReplicaFetchResult> done)
    {
        final ReplicaFetchRequest next;
        synchronized (lock)
        {
            if (chain != generation)
            {
                return null;
            }
            inFlightSinceNs = 0;
            try
            {
                next = step.onAnswer(done.join());
            }
            catch (final CompletionException e)
            {
                fail(e.getCause() instanceof RuntimeException cause ? cause : new RockletException(
                    ErrorCode.BROKER_UNAVAILABLE, "replica fetch failed", e.getCause()));
                return null;
            }
            catch (final RuntimeException e)
            {
                fail(e);
                return null;
            }
        }
        return issue(chain, next);
    }

    private CompletableFuture<ReplicaFetchResult> issue(final long chain, final ReplicaFetchRequest request)
    {
        inFlightSinceNs = Math.max(1, nanoClock.nanoTime());
        try
        {
            return master.apply(request);
        }
        catch (final RuntimeException e)
        {
            synchronized (lock)
            {
                if (chain == generation)
                {
                    fail(e);
                }
            }
            return null;
        }
    }

    /** Under the lock: ends the chain with {@code error} and wakes the owner. */
    private void fail(final RuntimeException error)
    {
        generation++;
        inFlightSinceNs = 0;
        failure = error;
        wake.run();
    }
}
