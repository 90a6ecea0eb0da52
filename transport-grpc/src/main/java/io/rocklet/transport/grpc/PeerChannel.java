package io.rocklet.transport.grpc;

import com.google.protobuf.MessageLite;
import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.rocklet.api.ClosedException;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.api.auth.Signer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The connection to one peer address, shared by every stub of that address: a gRPC channel (reconnecting with
 * {@link ReconnectBackoff}) and bounds on unanswered calls, one per {@link CallBudget} (sends, pulls, commits, other):
 * a unary call beyond {@code maxInFlightRequests} of its budget fails at once with a retriable BUSY, so nothing
 * queues without bound and long polls or commits never take the sends' room. Calls carry a deadline and fail fast while the peer is
 * unreachable (BROKER_UNAVAILABLE, retriable); failures arrive as {@link RockletException}s (see
 * {@link StatusErrors}). Answers are decoded and futures completed on the transport's executor, except those of
 * {@linkplain #unaryOnEventLoop sends}: decoded and completed on the event loop that read them, so that a thread
 * blocked in a send is woken directly. Long-lived streams
 * that must end with the channel are {@linkplain #track tracked} and closed first by {@link #close()}. Thread-safe.
 */
final class PeerChannel implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(PeerChannel.class);
    /** Runs a call's listener on the thread that has its event: the event loop that read the answer. */
    private static final Executor ON_EVENT_LOOP = Runnable::run;
    private final GrpcAddress address;
    private final String addressText;
    private final ManagedChannel channel;
    private final EnumMap<CallBudget, Semaphore> inFlight = new EnumMap<>(CallBudget.class);
    private final int maxInFlight;
    private final ScheduledExecutorService timers;
    private final Signer signer;
    private final Set<AutoCloseable> streams = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param signer signs every call of this channel (the identity of its stubs), or null for unsigned calls.
     */
    PeerChannel(final GrpcAddress address, final GrpcTransportConfig config, final TransportThreads threads,
        final ChannelCredentials credentials, final Signer signer)
    {
        this.signer = signer;
        this.address = address;
        this.addressText = address.toString();
        this.maxInFlight = config.maxInFlightRequests();
        for (final CallBudget budget : CallBudget.values())
        {
            inFlight.put(budget, new Semaphore(maxInFlight));
        }
        this.timers = threads.timers();
        this.channel = NettyChannelBuilder.forAddress(address.host(), address.port(), credentials)
            .eventLoopGroup(threads.eventLoops())
            .channelType(NioSocketChannel.class)
            .executor(threads.executor())
            .maxInboundMessageSize(config.maxInboundMessageBytes())
            .keepAliveTime(config.keepAliveTime().toMillis(), TimeUnit.MILLISECONDS)
            .keepAliveTimeout(config.keepAliveTimeout().toMillis(), TimeUnit.MILLISECONDS)
            .keepAliveWithoutCalls(true)
            .disableRetry() // Rocklet's clients retry themselves (on another broker); no copies kept for retries
            .userAgent("rocklet")
            .build();
        new ReconnectBackoff(channel, addressText, timers, config.reconnectBackoffMin(),
            config.reconnectBackoffMax()).start();
    }

    String address()
    {
        return addressText;
    }

    ScheduledExecutorService timers()
    {
        return timers;
    }

    boolean closed()
    {
        return closed;
    }

    /**
     * Makes one unary call.
     *
     * @param request   builds the request (a failure to encode fails the future with INVALID_ARGUMENT).
     * @param decode    turns the answer into the SPI's value.
     * @param timeoutMs the call's deadline, from now.
     */
    <P extends MessageLite, R extends MessageLite, A> CompletableFuture<A> unary(final MethodDescriptor<P, R> method,
        final Supplier<P> request, final Function<R, A> decode, final long timeoutMs)
    {
        return unary(method, request, decode, timeoutMs, null);
    }

    /**
     * Makes one unary call whose answer is decoded and whose future is completed on the event loop that read the
     * answer, without the hand-off to the transport's executor: a caller blocked on the future (a blocking
     * {@code Producer.send}) is woken directly, one thread wake-up less per call. Only for calls whose future's
     * dependents never block nor run application code on the completing thread (the producer hands its application
     * callbacks to a thread of its own).
     *
     * @see #unary(MethodDescriptor, Supplier, Function, long)
     */
    <P extends MessageLite, R extends MessageLite, A> CompletableFuture<A> unaryOnEventLoop(
        final MethodDescriptor<P, R> method, final Supplier<P> request, final Function<R, A> decode,
        final long timeoutMs)
    {
        return unary(method, request, decode, timeoutMs, ON_EVENT_LOOP);
    }

    /**
     * @param answers runs the call's listener; null: the channel's executor.
     */
    private <P extends MessageLite, R extends MessageLite, A> CompletableFuture<A> unary(
        final MethodDescriptor<P, R> method, final Supplier<P> request, final Function<R, A> decode,
        final long timeoutMs, final Executor answers)
    {
        final String name = method.getFullMethodName();
        if (closed)
        {
            return CompletableFuture.failedFuture(new ClosedException("grpc transport closed: address=" +
                addressText + ", method=" + name));
        }
        final P message;
        try
        {
            message = request.get();
        }
        catch (final RockletException e)
        {
            return CompletableFuture.failedFuture(e);
        }
        catch (final RuntimeException e)
        {
            return CompletableFuture.failedFuture(new InvalidArgumentException("cannot encode request: method=" +
                name + ", address=" + addressText + ", error=" + e));
        }
        final CallBudget budget = CallBudget.of(name);
        final Semaphore permits = inFlight.get(budget);
        if (!permits.tryAcquire())
        {
            return CompletableFuture.failedFuture(new RockletException(ErrorCode.BUSY, "too many requests in " +
                "flight to peer: address=" + addressText + ", budget=" + budget + ", maxInFlightRequests=" +
                maxInFlight + ", method=" + name));
        }
        final CompletableFuture<A> result = new CompletableFuture<>();
        final CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS);
        final ClientCall<P, R> call = channel.newCall(Marshallers.forClient(method),
            answers == null ? options : options.withExecutor(answers));
        call.start(new UnaryListener<>(name, decode, result, permits), headers(name));
        try
        {
            call.request(2); // a second message would be a protocol error; asking for it lets gRPC detect one
            call.sendMessage(message);
            call.halfClose();
        }
        catch (final RuntimeException e)
        {
            call.cancel("sending the request failed", e); // the listener's onClose completes the future
        }
        return result;
    }

    /**
     * @param method the call's full method name.
     * @return the headers a call starts with: the signed identity fields when this channel signs.
     */
    Metadata headers(final String method)
    {
        final Metadata headers = new Metadata();
        if (signer != null)
        {
            headers.put(AuthInterceptor.HEADER, signer.sign(method).header());
        }
        return headers;
    }

    /**
     * @return a new call without deadline and outside the in-flight bound (a long-lived stream); start it with
     *     {@link #headers}.
     */
    <P extends MessageLite, R extends MessageLite> ClientCall<P, R> newStream(final MethodDescriptor<P, R> method)
    {
        return channel.newCall(Marshallers.forClient(method), CallOptions.DEFAULT);
    }

    /**
     * Closes {@code stream} when this channel closes (or at once when it is closed already), until {@link #untrack}.
     */
    void track(final AutoCloseable stream)
    {
        streams.add(stream);
        if (closed)
        {
            closeStream(stream);
        }
    }

    void untrack(final AutoCloseable stream)
    {
        streams.remove(stream);
    }

    /**
     * Closes the tracked streams, then cuts the connection; calls in flight fail with BROKER_UNAVAILABLE. Idempotent.
     */
    @Override
    public void close()
    {
        closed = true;
        streams.forEach(PeerChannel::closeStream);
        channel.shutdownNow();
    }

    private static void closeStream(final AutoCloseable stream)
    {
        try
        {
            stream.close();
        }
        catch (final Exception e)
        {
            LOG.warn("closing a stream failed: stream={}, error={}", stream,
                e.toString(), e);
        }
    }

    @Override
    public String toString()
    {
        final StringBuilder text = new StringBuilder("PeerChannel{").append(address);
        inFlight.forEach((budget, permits) -> text.append(", ").append(budget).append('=')
            .append(maxInFlight - permits.availablePermits()));
        return text.append('}').toString();
    }

    /** Collects one answer and completes the call's future when the call closes. */
    private final class UnaryListener<R, A> extends ClientCall.Listener<R>
    {
        private final String method;
        private final Function<R, A> decode;
        private final CompletableFuture<A> result;
        private final Semaphore permits;
        private R answer;

        UnaryListener(final String method, final Function<R, A> decode, final CompletableFuture<A> result,
            final Semaphore permits)
        {
            this.method = method;
            this.decode = decode;
            this.result = result;
            this.permits = permits;
        }

        @Override
        public void onMessage(final R message)
        {
            answer = message;
        }

        @Override
        public void onClose(final Status status, final Metadata trailers)
        {
            permits.release();
            if (!status.isOk())
            {
                result.completeExceptionally(StatusErrors.toRockletException(status, trailers, addressText, method));
                return;
            }
            if (answer == null)
            {
                result.completeExceptionally(new RockletException(ErrorCode.INTERNAL_ERROR, "peer closed the call " +
                    "without an answer: address=" + addressText + ", method=" + method));
                return;
            }
            final A value;
            try
            {
                value = decode.apply(answer);
            }
            catch (final RuntimeException e)
            {
                result.completeExceptionally(new RockletException(ErrorCode.INTERNAL_ERROR, "malformed answer: " +
                    "address=" + addressText + ", method=" + method + ", error=" + e.getMessage(), e));
                return;
            }
            result.complete(value);
        }
    }
}
