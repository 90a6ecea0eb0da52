package io.rocklet.transport.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.PullStatus;
import io.rocklet.transport.grpc.proto.BrokerGrpc;
import io.rocklet.transport.grpc.proto.BrokerProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The server side of {@code Subscribe}: pulls one queue from the broker ({@link BrokerService#pull}, long polling)
 * for as long as the client has credit, and streams every result that moves the queue on. The first request is a
 * {@code SubscribeStart} (a pull request and the first credits), the others {@code SubscribeCredit}s. A result
 * costs one credit per message it carries, at least one; a pull asks for at most the credit left, so the client
 * never receives more than it granted. NO_NEW_MESSAGES (a long poll that expired) is not streamed: the queue is
 * pulled again at once.
 *
 * <p>The call ends with OK when the client half-closes it (it is done with the stream), when the client cancels it,
 * with the Rocklet status of a failed pull or a bad request, or with BROKER_UNAVAILABLE when the broker stops being
 * served here ({@link #closeAll()}). Threads: requests arrive on
 * the transport's executor; a held pull is answered on a broker thread, which sends that result and hands the next
 * pull to the executor; pulls answered at once are handled in a loop on the thread that made them. Each session
 * serializes its state and its call on its own monitor.
 */
final class SubscribeHandler implements ServerCallHandler<byte[], BrokerProto.PullResult>
{
    /** Pause before pulling again when a broker answers a long poll with nothing at once (it holds no pulls). */
    static final long UNHELD_RETRY_MS = 100;
    private static final Logger LOG = LoggerFactory.getLogger(SubscribeHandler.class);
    private static final String METHOD = BrokerGrpc.getSubscribeMethod().getFullMethodName();

    private final BrokerService broker;
    private final String address;
    private final Executor executor;
    private final ScheduledExecutorService timers;
    private final Set<Session> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    SubscribeHandler(final BrokerService broker, final String address, final TransportThreads threads)
    {
        this.broker = broker;
        this.address = address;
        this.executor = threads.executor();
        this.timers = threads.timers();
    }

    @Override
    public ServerCall.Listener<byte[]> startCall(final ServerCall<byte[], BrokerProto.PullResult> call,
        final Metadata headers)
    {
        call.request(1);
        return new Session(call);
    }

    /**
     * Ends every open stream with BROKER_UNAVAILABLE and refuses new ones.
     */
    void closeAll()
    {
        closed = true;
        for (final Session session : open)
        {
            session.end(unavailable());
        }
    }

    private StatusRuntimeException unavailable()
    {
        return StatusErrors.toStatus(ErrorCode.BROKER_UNAVAILABLE, "broker no longer served: address=" + address);
    }

    private static StatusRuntimeException invalid(final String message)
    {
        return StatusErrors.toStatus(ErrorCode.INVALID_ARGUMENT, message + ": method=" + METHOD);
    }

    /** What to do after handling a pull's answer. */
    private enum Next
    {
        PULL,
        PULL_LATER,
        STOP
    }

    /** One stream: where the queue is read next, and the credit left. */
    private final class Session extends ServerCall.Listener<byte[]>
    {
        private final ServerCall<byte[], BrokerProto.PullResult> call;
        /** The context the stream was opened in (its authenticated caller): every pull of the session runs in it. */
        private final Context context = Context.current();
        private PullRequest start;
        private long offset;
        private long credit;
        private boolean pulling;
        private boolean ended;

        Session(final ServerCall<byte[], BrokerProto.PullResult> call)
        {
            this.call = call;
        }

        @Override
        public void onMessage(final byte[] frame)
        {
            final BrokerProto.SubscribeRequest request;
            try
            {
                request = Marshallers.parse(BrokerProto.SubscribeRequest.parser(), frame);
            }
            catch (final InvalidProtocolBufferException e)
            {
                end(ServiceBinder.malformed(METHOD, frame.length, e));
                return;
            }
            final StatusRuntimeException refused = accept(request);
            if (refused != null)
            {
                end(refused);
                return;
            }
            call.request(1);
            pullMore();
        }

        @Override
        public void onHalfClose()
        {
            final boolean started;
            synchronized (this)
            {
                started = start != null;
            }
            // the client is done with the stream (it moved elsewhere, or went idle): end it cleanly
            end(started ? Status.OK.asRuntimeException() : invalid("subscribe start missing"));
        }

        @Override
        public void onCancel()
        {
            release();
        }

        @Override
        public void onComplete()
        {
            release();
        }

        /**
         * @return null when the request was taken, else the status to end the call with.
         */
        private StatusRuntimeException accept(final BrokerProto.SubscribeRequest request)
        {
            final boolean first;
            synchronized (this)
            {
                first = start == null;
                if (first)
                {
                    if (!request.hasStart())
                    {
                        return invalid("subscribe start missing");
                    }
                    final BrokerProto.SubscribeStart begin = request.getStart();
                    if (!begin.hasPull() || begin.getPull().getLongPollTimeoutMs() <= 0 || begin.getCredits() <= 0)
                    {
                        return invalid("illegal subscribe start: hasPull=" + begin.hasPull() + ", longPollTimeoutMs=" +
                            begin.getPull().getLongPollTimeoutMs() + ", credits=" + begin.getCredits() +
                            " (both must be > 0)");
                    }
                    start = MessageCodec.pullRequest(begin.getPull());
                    offset = start.offset();
                    credit = begin.getCredits();
                    call.sendHeaders(new Metadata()); // the stream is established
                }
                else
                {
                    if (!request.hasCredit() || request.getCredit().getCredits() <= 0)
                    {
                        return invalid("illegal subscribe request: expected credits > 0 after the start, got " +
                            request.getKindCase());
                    }
                    credit = Math.min(StreamCredits.MAX_CREDITS, credit + request.getCredit().getCredits());
                }
            }
            if (first)
            {
                open.add(this);
                if (closed)
                {
                    return unavailable();
                }
            }
            return null;
        }

        /**
         * Pulls while there is credit and no pull in flight: inline while the broker answers at once; a held pull
         * carries on where it is answered.
         */
        private void pullMore()
        {
            while (true)
            {
                final PullRequest request;
                synchronized (this)
                {
                    if (ended || pulling || credit <= 0)
                    {
                        return;
                    }
                    pulling = true;
                    request = new PullRequest(start.group(), start.topic(), start.queueId(), offset,
                        (int) Math.min(start.maxCount(), credit), start.tagExpression(), start.longPollTimeoutMs(),
                        start.sqlExpression());
                }
                final CompletableFuture<PullResult> answer = invoke(request);
                if (!answer.isDone())
                {
                    answer.whenComplete((result, error) -> onHeldAnswer(request, result, error));
                    return;
                }
                PullResult result = null;
                Throwable error = null;
                try
                {
                    result = answer.join();
                }
                catch (final CompletionException | CancellationException e)
                {
                    error = e;
                }
                final Next next = onAnswer(request, result, error, false);
                if (next == Next.PULL_LATER)
                {
                    later(() -> timers.schedule(this::pullMore, UNHELD_RETRY_MS, TimeUnit.MILLISECONDS));
                }
                if (next != Next.PULL)
                {
                    return;
                }
            }
        }

        private CompletableFuture<PullResult> invoke(final PullRequest request)
        {
            try
            {
                final CompletableFuture<PullResult> answer;
                final Context previous = context.attach();
                try
                {
                    answer = broker.pull(request);
                }
                finally
                {
                    context.detach(previous);
                }
                return answer != null ? answer : CompletableFuture.failedFuture(
                    new RockletException(ErrorCode.INTERNAL_ERROR, "service returned no future"));
            }
            catch (final RuntimeException e)
            {
                return CompletableFuture.failedFuture(e);
            }
        }

        /** A held pull answered, on the thread that answered it (a broker thread): send, then pull on the executor. */
        private void onHeldAnswer(final PullRequest request, final PullResult result, final Throwable error)
        {
            if (onAnswer(request, result, error, true) == Next.PULL)
            {
                later(() -> executor.execute(this::pullMore));
            }
        }

        private void later(final Runnable schedule)
        {
            try
            {
                schedule.run();
            }
            catch (final RejectedExecutionException e)
            {
                end(unavailable()); // the transport is closing
            }
        }

        private Next onAnswer(final PullRequest request, final PullResult result, final Throwable error,
            final boolean held)
        {
            synchronized (this)
            {
                pulling = false;
                if (ended)
                {
                    return Next.STOP;
                }
                if (error != null)
                {
                    end(StatusErrors.toStatus(error, METHOD));
                    return Next.STOP;
                }
                final long next = StreamCredits.nextOffset(result, request.offset());
                final boolean moved = next != request.offset() || result.status() != PullStatus.NO_NEW_MESSAGES;
                offset = next;
                if (!moved)
                {
                    return held ? Next.PULL : Next.PULL_LATER;
                }
                credit -= StreamCredits.cost(result);
                return send(result) ? Next.PULL : Next.STOP;
            }
        }

        /** Sends one result; call with the monitor held. */
        private boolean send(final PullResult result)
        {
            try
            {
                call.sendMessage(MessageCodec.pullResult(result));
                return true;
            }
            catch (final RuntimeException e)
            {
                // the call was cancelled meanwhile (nobody waits for the result), or the result cannot be encoded
                LOG.debug("pull result not streamed: topic={}, queueId={}, error={}", start.topic(), start.queueId(),
                    e.toString());
                end(StatusErrors.toStatus(e, METHOD));
                return false;
            }
        }

        private void end(final StatusRuntimeException status)
        {
            synchronized (this)
            {
                if (ended)
                {
                    return;
                }
                ended = true;
                try
                {
                    call.close(status.getStatus(),
                        status.getTrailers() == null ? new Metadata() : status.getTrailers());
                }
                catch (final RuntimeException e)
                {
                    LOG.debug("subscribe call already closed: address={}, error={}", address, e.toString());
                }
            }
            open.remove(this);
        }

        private void release()
        {
            synchronized (this)
            {
                ended = true;
            }
            open.remove(this);
        }
    }
}
