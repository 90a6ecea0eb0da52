package io.rocklet.transport.grpc;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.rocklet.api.ClosedException;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.MessageView;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.PullStatus;
import io.rocklet.transport.grpc.proto.BrokerGrpc;
import io.rocklet.transport.grpc.proto.BrokerProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The long-poll pulls of one (group, topic, queue), served from a {@code Subscribe} stream instead of one call each.
 * The first pull opens the stream at its offset with {@code prefetchBatches} times its {@code maxCount} credits; the
 * broker streams results as messages arrive; each pull takes the next buffered result (or its first
 * {@code maxCount} messages) and grants back the credits it cost, or waits for one up to its long-poll timeout and is
 * then answered NO_NEW_MESSAGES, as the broker would. The buffer never holds more than the credits granted, and
 * credits are granted only as pulls take results: a consumer that stops pulling stops the broker.
 *
 * <p>A pull that does not follow on from what the stream delivered (another offset: seek, reset, rebalance; or
 * another tag expression) restarts the stream there, dropping the buffer. A stream that fails fails the waiting
 * pull with the mapped error; results buffered before stay good, and the next pull that finds none opens a new
 * stream. A stream no pull has used for {@code idleTimeout} is closed and {@linkplain #retired() retired}. Only one
 * pull waits at a time: a newer one answers the older NO_NEW_MESSAGES at its own offset.
 *
 * <p>Thread-safe: pulls (any thread), call events (the transport's executor, one at a time per call) and timers (the
 * event loop) change the state under this object's monitor; futures are completed after it is released.
 */
final class PullStream implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(PullStream.class);
    private static final String METHOD = BrokerGrpc.getSubscribeMethod().getFullMethodName();

    private final PeerChannel peer;
    private final PullStreams.Key key;
    private final int prefetchBatches;
    private final long idleNanos;
    private final Consumer<PullStream> onRetired;
    private final ArrayDeque<PullResult> buffered = new ArrayDeque<>();
    private ClientCall<BrokerProto.SubscribeRequest, BrokerProto.PullResult> call;
    private String tagExpression;
    private String sqlExpression;
    private long expectedOffset = -1;
    private long minOffset;
    private long maxOffset;
    private int bufferedCredits;
    private Waiter waiter;
    private long lastPullNanos;
    private ScheduledFuture<?> idleCheck;
    private boolean retired;

    /** A pull waiting for the stream's next result; its timer answers it when its long poll ends. */
    private static final class Waiter
    {
        final PullRequest request;
        final CompletableFuture<PullResult> answer = new CompletableFuture<>();
        ScheduledFuture<?> timer;

        Waiter(final PullRequest request)
        {
            this.request = request;
        }

        void cancelTimer()
        {
            if (timer != null)
            {
                timer.cancel(false);
            }
        }
    }

    PullStream(final PeerChannel peer, final PullStreams.Key key, final int prefetchBatches, final long idleNanos,
        final Consumer<PullStream> onRetired)
    {
        this.peer = peer;
        this.key = key;
        this.prefetchBatches = prefetchBatches;
        this.idleNanos = idleNanos;
        this.onRetired = onRetired;
    }

    PullStreams.Key key()
    {
        return key;
    }

    /**
     * @return the answer to {@code request}, or null when this stream is retired (make a new one).
     */
    CompletableFuture<PullResult> pull(final PullRequest request)
    {
        final Waiter superseded;
        final PullResult supersededAnswer;
        final CompletableFuture<PullResult> answer;
        synchronized (this)
        {
            if (retired)
            {
                return null;
            }
            lastPullNanos = System.nanoTime();
            superseded = waiter;
            waiter = null;
            supersededAnswer = superseded == null ? null : noNewMessages(superseded.request);
            if (superseded != null)
            {
                superseded.cancelTimer();
            }
            answer = serve(request);
        }
        if (superseded != null)
        {
            superseded.answer.complete(supersededAnswer);
        }
        return answer;
    }

    /**
     * @return true once this stream is closed for good (idle); pulls then go to a new one.
     */
    synchronized boolean retired()
    {
        return retired;
    }

    /**
     * @return the credits the buffered results cost: at most the credits granted.
     */
    synchronized int bufferedCredits()
    {
        return bufferedCredits;
    }

    /** Answers a pull from the buffer, or makes it wait; call with the monitor held. */
    private CompletableFuture<PullResult> serve(final PullRequest request)
    {
        if (request.offset() != expectedOffset || !Objects.equals(request.tagExpression(), tagExpression) ||
            !Objects.equals(request.sqlExpression(), sqlExpression))
        {
            if (expectedOffset >= 0)
            {
                LOG.debug("pull stream restarted: key={}, expectedOffset={}, offset={}", key, expectedOffset,
                    request.offset());
            }
            closeCall(false, "pull stream restarted elsewhere");
            buffered.clear();
            bufferedCredits = 0;
            expectedOffset = request.offset();
            tagExpression = request.tagExpression();
            sqlExpression = request.sqlExpression();
        }
        if (!buffered.isEmpty())
        {
            return CompletableFuture.completedFuture(take(request.maxCount()));
        }
        if (call == null)
        {
            final RockletException refused = open(request);
            if (refused != null)
            {
                return CompletableFuture.failedFuture(refused);
            }
        }
        final Waiter waiting = new Waiter(request);
        try
        {
            waiting.timer = peer.timers().schedule(() -> onLongPollEnded(waiting),
                request.longPollTimeoutMs(), TimeUnit.MILLISECONDS);
        }
        catch (final RejectedExecutionException e)
        {
            return CompletableFuture.failedFuture(closed());
        }
        waiter = waiting;
        return waiting.answer;
    }

    /** Opens a call at the expected offset; call with the monitor held. */
    private RockletException open(final PullRequest request)
    {
        if (idleCheck == null && !scheduleIdleCheck(idleNanos))
        {
            return closed();
        }
        final int credits = (int) Math.min(StreamCredits.MAX_CREDITS,
            (long) prefetchBatches * Math.max(1, request.maxCount()));
        final BrokerProto.SubscribeRequest start;
        try
        {
            start = MessageCodec.subscribeStart(request, credits);
        }
        catch (final RuntimeException e)
        {
            return new InvalidArgumentException("cannot encode request: method=" + METHOD + ", address=" +
                peer.address() + ", error=" + e);
        }
        final ClientCall<BrokerProto.SubscribeRequest, BrokerProto.PullResult> opened =
            peer.newStream(BrokerGrpc.getSubscribeMethod());
        call = opened;
        opened.start(new Listener(opened), peer.headers(BrokerGrpc.getSubscribeMethod().getFullMethodName()));
        try
        {
            opened.request(1);
            opened.sendMessage(start);
        }
        catch (final RuntimeException e)
        {
            opened.cancel("sending the subscribe start failed", e); // onClose fails the waiting pull
        }
        return null;
    }

    /**
     * Takes the head result, or its first {@code maxCount} messages, and grants back what it cost; call with the
     * monitor held and the buffer not empty.
     */
    private PullResult take(final int maxCount)
    {
        final PullResult head = buffered.pollFirst();
        final List<MessageView> messages = head.messages();
        final PullResult taken;
        if (maxCount > 0 && messages.size() > maxCount)
        {
            final List<MessageView> first = List.copyOf(messages.subList(0, maxCount));
            buffered.addFirst(new PullResult(head.status(), head.nextOffset(), head.minOffset(), head.maxOffset(),
                List.copyOf(messages.subList(maxCount, messages.size()))));
            taken = new PullResult(head.status(), first.get(maxCount - 1).queueOffset() + 1, head.minOffset(),
                head.maxOffset(), first);
        }
        else
        {
            taken = head;
        }
        expectedOffset = StreamCredits.nextOffset(taken, expectedOffset);
        final int cost = StreamCredits.cost(taken);
        bufferedCredits -= cost;
        if (call != null)
        {
            send(call, MessageCodec.subscribeCredit(cost));
        }
        return taken;
    }

    private void onResult(final ClientCall<?, ?> which, final BrokerProto.PullResult message)
    {
        final PullResult result;
        try
        {
            result = MessageCodec.pullResult(message);
        }
        catch (final RuntimeException e)
        {
            synchronized (this)
            {
                if (which != call)
                {
                    return;
                }
                closeCall(true, "malformed pull result"); // the next pull opens a new stream at the expected offset
            }
            fail(new RockletException(ErrorCode.INTERNAL_ERROR, "malformed answer: address=" + peer.address() +
                ", method=" + METHOD + ", error=" + e.getMessage(), e));
            return;
        }
        final Waiter served;
        final PullResult answer;
        synchronized (this)
        {
            if (which != call)
            {
                return;
            }
            minOffset = result.minOffset();
            maxOffset = result.maxOffset();
            buffered.addLast(result);
            bufferedCredits += StreamCredits.cost(result);
            served = waiter;
            waiter = null;
            if (served == null)
            {
                return;
            }
            served.cancelTimer();
            answer = take(served.request.maxCount());
        }
        served.answer.complete(answer);
    }

    private void onEnded(final ClientCall<?, ?> which, final Status status, final Metadata trailers)
    {
        synchronized (this)
        {
            if (which != call)
            {
                return;
            }
            call = null;
        }
        final RockletException error = status.isOk() ? new RockletException(ErrorCode.BROKER_UNAVAILABLE,
            "pull stream ended by the broker: address=" + peer.address() + ", method=" + METHOD) :
            StatusErrors.toRockletException(status, trailers, peer.address(), METHOD);
        LOG.debug("pull stream ended: key={}, error={}", key, error.getMessage());
        fail(error);
    }

    /** Fails the waiting pull, if any; call without the monitor. */
    private void fail(final RockletException error)
    {
        final Waiter failed;
        synchronized (this)
        {
            failed = waiter;
            waiter = null;
        }
        if (failed != null)
        {
            failed.cancelTimer();
            failed.answer.completeExceptionally(error);
        }
    }

    private void onLongPollEnded(final Waiter waiting)
    {
        final PullResult answer;
        synchronized (this)
        {
            if (waiter != waiting)
            {
                return;
            }
            waiter = null;
            answer = noNewMessages(waiting.request);
        }
        waiting.answer.complete(answer);
    }

    private void checkIdle()
    {
        synchronized (this)
        {
            if (retired)
            {
                return;
            }
            final long idleFor = System.nanoTime() - lastPullNanos;
            if ((waiter != null || idleFor < idleNanos) &&
                scheduleIdleCheck(waiter != null ? idleNanos : idleNanos - idleFor))
            {
                return;
            }
            retire(false);
        }
        LOG.debug("idle pull stream closed: key={}, address={}", key, peer.address());
        onRetired.accept(this);
    }

    /**
     * Ends the stream for good (the transport is closing): the waiting pull fails with CLOSED. Idempotent.
     */
    @Override
    public void close()
    {
        synchronized (this)
        {
            if (retired)
            {
                return;
            }
            retire(true);
        }
        fail(closed());
        onRetired.accept(this);
    }

    /** Call with the monitor held. */
    private void retire(final boolean cancel)
    {
        retired = true;
        closeCall(cancel, "pull stream closed");
        buffered.clear();
        bufferedCredits = 0;
        if (idleCheck != null)
        {
            idleCheck.cancel(false);
        }
    }

    private boolean scheduleIdleCheck(final long delayNanos)
    {
        try
        {
            idleCheck = peer.timers().schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
            return true;
        }
        catch (final RejectedExecutionException e)
        {
            return false; // the transport is closing
        }
    }

    /**
     * Ends the current call, if any: half-closed, so that the broker ends it cleanly (OK), or cancelled. Its late
     * events are ignored. Call with the monitor held.
     */
    private void closeCall(final boolean cancel, final String why)
    {
        if (call == null)
        {
            return;
        }
        final ClientCall<?, ?> closing = call;
        call = null;
        try
        {
            if (cancel)
            {
                closing.cancel(why, null);
            }
            else
            {
                closing.halfClose();
            }
        }
        catch (final RuntimeException e)
        {
            closing.cancel(why, e);
        }
    }

    private void send(final ClientCall<BrokerProto.SubscribeRequest, ?> which,
        final BrokerProto.SubscribeRequest message)
    {
        try
        {
            which.sendMessage(message);
        }
        catch (final RuntimeException e)
        {
            LOG.debug("credit not sent, the stream is ending: key={}, error={}", key, e.toString());
        }
    }

    /** Call with the monitor held. */
    private PullResult noNewMessages(final PullRequest request)
    {
        return new PullResult(PullStatus.NO_NEW_MESSAGES, request.offset(), minOffset,
            Math.max(maxOffset, request.offset()), List.of());
    }

    private RockletException closed()
    {
        return new ClosedException("grpc transport closed: address=" + peer.address() + ", method=" +
            METHOD);
    }

    @Override
    public synchronized String toString()
    {
        return "PullStream{" + key + ", expectedOffset=" + expectedOffset + ", buffered=" + buffered.size() +
            ", open=" + (call != null) + '}';
    }

    /** Events of one call. */
    private final class Listener extends ClientCall.Listener<BrokerProto.PullResult>
    {
        private final ClientCall<BrokerProto.SubscribeRequest, BrokerProto.PullResult> which;

        Listener(final ClientCall<BrokerProto.SubscribeRequest, BrokerProto.PullResult> which)
        {
            this.which = which;
        }

        @Override
        public void onMessage(final BrokerProto.PullResult message)
        {
            onResult(which, message);
            which.request(1);
        }

        @Override
        public void onClose(final Status status, final Metadata trailers)
        {
            onEnded(which, status, trailers);
        }
    }
}
