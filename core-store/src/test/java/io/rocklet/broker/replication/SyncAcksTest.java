package io.rocklet.broker.replication;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SYNC acknowledgements driven by hand: one slave in sync whose acknowledged offset the test sets, a fake clock.
 */
class SyncAcksTest
{
    private final AtomicLong acked = new AtomicLong(-1);
    private final AtomicLong nowNs = new AtomicLong(0);
    private final SyncAcks acks = new SyncAcks(ReplicationConfig.builder().mode(ReplicationMode.SYNC)
        .syncReplicationTimeout(Duration.ofMillis(5)).build(), () -> 1, needed -> acked.get(), nowNs::get,
        () -> 1_000, "rs");

    @Test
    void shouldCompleteEverySendUpToTheAcknowledgedOffsetInOnePassWhenTheSlaveAcknowledges()
    {
        final List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (long offset = 100; offset <= 500; offset += 100)
        {
            sends.add(acks.whenReplicated(offset));
        }
        assertTrue(sends.stream().noneMatch(CompletableFuture::isDone));
        acked.set(300);
        acks.onProgress();
        assertEquals(List.of(true, true, true, false, false), sends.stream().map(CompletableFuture::isDone).toList());
        acked.set(500);
        acks.onProgress();
        assertTrue(sends.stream().allMatch(CompletableFuture::isDone));
    }

    @Test
    void shouldAnswerAtOnceWhenTheBytesWereAcknowledgedBeforeTheSendAsks()
    {
        acked.set(200);
        assertTrue(acks.whenReplicated(200).isDone(), "acknowledged on the sending thread: nothing to wait for");
        assertFalse(acks.whenReplicated(201).isDone());
    }

    @Test
    void shouldLetACompletedSendWaitForAnotherWhenItsCallbackSendsAgain()
    {
        final List<CompletableFuture<Void>> next = new ArrayList<>();
        final CompletableFuture<Void> first = acks.whenReplicated(100);
        final CompletableFuture<Void> second = acks.whenReplicated(150);
        first.thenRun(() -> next.add(acks.whenReplicated(400))); // runs inside the acknowledgement pass
        acked.set(200);
        acks.onProgress();
        assertTrue(first.isDone() && second.isDone());
        assertEquals(1, next.size());
        assertFalse(next.get(0).isDone());
        acked.set(400);
        acks.onProgress();
        assertTrue(next.get(0).isDone());
    }

    @Test
    void shouldFailASendWithReplicationTimeoutWhenItsWaitEnds()
    {
        final CompletableFuture<Void> send = acks.whenReplicated(100);
        assertEquals(0, acks.expire());
        nowNs.addAndGet(Duration.ofMillis(5).toNanos());
        assertEquals(1, acks.expire());
        final ExecutionException e = assertThrows(ExecutionException.class, send::get);
        assertEquals(ErrorCode.REPLICATION_TIMEOUT, assertInstanceOf(RockletException.class, e.getCause()).errorCode());
        assertEquals(0, acks.expire());
    }
}
