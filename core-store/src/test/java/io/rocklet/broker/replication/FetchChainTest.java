package io.rocklet.broker.replication;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.BrokerService.ReplicaFetchRequest;
import io.rocklet.api.spi.BrokerService.ReplicaFetchResult;
import org.agrona.concurrent.NanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fetch chain driven by hand: a master whose answers the test completes, a step that appends 10 bytes per answer,
 * a fake clock.
 */
@Timeout(10)
class FetchChainTest
{
    private final List<ReplicaFetchRequest> issued = new ArrayList<>();
    private final List<CompletableFuture<ReplicaFetchResult>> pending = new ArrayList<>();
    private final List<Thread> stepThreads = new ArrayList<>();
    private final AtomicInteger wakes = new AtomicInteger();
    private final AtomicLong nowNs = new AtomicLong(1_000);
    private final NanoClock clock = nowNs::get;
    /** When true the master answers every fetch at once (with bytes), as a master with a backlog does. */
    private boolean answerAtOnce;
    private long logEnd;

    private final FetchChain chain = new FetchChain(this::fetch, this::append, wakes::incrementAndGet, clock);

    @Test
    void shouldApplyAnAnswerAndIssueTheAcknowledgingFetchOnTheThreadThatCompletedTheFetch()
    {
        chain.start(request(0));
        assertEquals(1, issued.size());
        assertTrue(stepThreads.isEmpty(), "nothing applied before an answer");

        pending.get(0).complete(answer(0, 10)); // the master's sending thread, here the test's
        assertEquals(List.of(Thread.currentThread()), stepThreads);
        assertEquals(2, issued.size());
        assertEquals(10, issued.get(1).fetchOffset(), "the next fetch acknowledges the bytes");
        assertEquals(0, wakes.get(), "the owner thread is not involved");
    }

    @Test
    void shouldHandTheChainToTheOwnerWhenAnotherThreadRanItsShareOfSteps()
    {
        chain.start(request(0));
        answerAtOnce = true;
        pending.get(0).complete(answer(0, 10));
        assertEquals(FetchChain.FOREIGN_STEPS, stepThreads.size(), "a foreign thread stops after its share");
        assertTrue(chain.handedOff());
        assertEquals(1, wakes.get(), "the owner is woken");

        answerAtOnce = false;
        assertTrue(chain.runHandedOff());
        assertEquals(FetchChain.FOREIGN_STEPS + 1, stepThreads.size());
        assertFalse(chain.handedOff());
        assertEquals(10L * (FetchChain.FOREIGN_STEPS + 1), issued.get(issued.size() - 1).fetchOffset());
    }

    @Test
    void shouldIgnoreAnswersToAnEndedChainWhenTheyArriveLater()
    {
        chain.start(request(0));
        chain.end();
        pending.get(0).complete(answer(0, 10));
        assertTrue(stepThreads.isEmpty(), "an ended chain appends nothing");
        assertEquals(1, issued.size());
        chain.check(1_000, "m"); // no failure either
    }

    @Test
    void shouldEndTheChainAndReportTheMastersErrorWhenAFetchFails()
    {
        chain.start(request(0));
        final RockletException refused = new RockletException(ErrorCode.REPLICA_MISMATCH, "refused");
        pending.get(0).completeExceptionally(refused);
        assertEquals(1, wakes.get());
        assertSame(refused, assertThrows(RockletException.class, () -> chain.check(1_000, "m")));
        chain.check(1_000, "m"); // reported once
    }

    @Test
    void shouldFailWithTimeoutWhenAFetchIsNotAnsweredInTime()
    {
        chain.start(request(0));
        nowNs.addAndGet(1_000);
        chain.check(1_000, "m");
        nowNs.addAndGet(1);
        final RockletException e = assertThrows(RockletException.class, () -> chain.check(1_000, "m"));
        assertEquals(ErrorCode.TIMEOUT, e.errorCode());
        pending.get(0).complete(answer(0, 10));
        assertTrue(stepThreads.isEmpty(), "the late answer belongs to an ended chain");
    }

    private CompletableFuture<ReplicaFetchResult> fetch(final ReplicaFetchRequest request)
    {
        issued.add(request);
        final CompletableFuture<ReplicaFetchResult> answer = answerAtOnce ?
            CompletableFuture.completedFuture(answer(request.fetchOffset(), 10)) : new CompletableFuture<>();
        pending.add(answer);
        return answer;
    }

    private ReplicaFetchRequest append(final ReplicaFetchResult answer)
    {
        stepThreads.add(Thread.currentThread());
        logEnd = answer.nextOffset();
        return request(logEnd);
    }

    private static ReplicaFetchRequest request(final long offset)
    {
        return new ReplicaFetchRequest("c", "rs", 1, "local://slave", offset, 1024, 1000);
    }

    private static ReplicaFetchResult answer(final long offset, final int bytes)
    {
        return new ReplicaFetchResult(List.of(), offset + bytes, 1 << 20, offset, offset + bytes, new byte[bytes]);
    }
}
