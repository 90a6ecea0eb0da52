package io.rocklet.transport.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.StatusRuntimeException;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.spi.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The server side of a watch, a server-streaming rpc of the broker ({@code WatchGroup}: a consumer group's events,
 * {@code WatchTransactionChecks}: a producer group's check-backs): one request opens a watch on the broker (the
 * {@link Opener}); the response headers are sent once the watch is in place (the client's sign that it is
 * established), then every event as one message, until the client cancels or the broker stops being served here
 * ({@link #closeAll()}: the call ends with a retriable BROKER_UNAVAILABLE so that the client watches again).
 * Thread-safe: events come from the broker's threads, call events from gRPC's; each watch serializes them on its own
 * monitor.
 *
 * @param <R> the request message.
 * @param <E> the SPI event.
 * @param <M> the event message.
 */
final class WatchHandler<R extends MessageLite, E, M> implements ServerCallHandler<byte[], M>
{
    private static final Logger LOG = LoggerFactory.getLogger(WatchHandler.class);

    private final String method;
    private final Parser<R> parser;
    private final Opener<R, E> opener;
    private final Function<E, M> encoder;
    private final String address;
    private final Set<Watch> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * Opens a watch on the broker for a parsed request.
     */
    @FunctionalInterface
    interface Opener<R, E>
    {
        Subscription open(R request, Consumer<E> listener);
    }

    WatchHandler(final String method, final Parser<R> parser, final Opener<R, E> opener,
        final Function<E, M> encoder, final String address)
    {
        this.method = method;
        this.parser = parser;
        this.opener = opener;
        this.encoder = encoder;
        this.address = address;
    }

    @Override
    public ServerCall.Listener<byte[]> startCall(final ServerCall<byte[], M> call,
        final Metadata headers)
    {
        call.request(1);
        return new Watch(call);
    }

    /**
     * Ends every open watch and refuses new ones.
     */
    void closeAll()
    {
        closed = true;
        for (final Watch watch : open)
        {
            watch.end(unavailable());
        }
    }

    private StatusRuntimeException unavailable()
    {
        return StatusErrors.toStatus(ErrorCode.BROKER_UNAVAILABLE, "broker no longer served: address=" + address);
    }

    /** One watch call. */
    private final class Watch extends ServerCall.Listener<byte[]>
    {
        private final ServerCall<byte[], M> call;
        private final List<E> early = new ArrayList<>();
        private Subscription subscription;
        private boolean started;
        private boolean headersSent;
        private boolean ended;

        Watch(final ServerCall<byte[], M> call)
        {
            this.call = call;
        }

        @Override
        public void onMessage(final byte[] frame)
        {
            final R request;
            synchronized (this)
            {
                if (started)
                {
                    end(StatusErrors.toStatus(ErrorCode.INVALID_ARGUMENT, "one request per watch: method=" + method));
                    return;
                }
                started = true;
                try
                {
                    request = Marshallers.parse(parser, frame);
                }
                catch (final InvalidProtocolBufferException e)
                {
                    end(ServiceBinder.malformed(method, frame.length, e));
                    return;
                }
            }
            open.add(this);
            if (closed)
            {
                end(unavailable());
                return;
            }
            start(request);
        }

        @Override
        public void onHalfClose()
        {
            synchronized (this)
            {
                if (!started)
                {
                    end(StatusErrors.toStatus(ErrorCode.INVALID_ARGUMENT, "watch request missing: method=" + method));
                }
            }
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

        private void start(final R request)
        {
            final Subscription watching;
            try
            {
                watching = opener.open(request, this::onEvent);
            }
            catch (final RuntimeException e)
            {
                end(StatusErrors.toStatus(e, method));
                return;
            }
            synchronized (this)
            {
                if (ended)
                {
                    watching.close();
                    return;
                }
                subscription = watching;
                call.sendHeaders(new Metadata());
                headersSent = true;
                for (final E event : early)
                {
                    send(event);
                }
                early.clear();
            }
        }

        private synchronized void onEvent(final E event)
        {
            if (ended)
            {
                return;
            }
            if (!headersSent)
            {
                early.add(event);
                return;
            }
            send(event);
        }

        private void send(final E event)
        {
            try
            {
                call.sendMessage(encoder.apply(event));
            }
            catch (final RuntimeException e)
            {
                LOG.debug("watch event not delivered: method={}, event={}, error={}", method, event, e.toString());
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
                    call.close(status.getStatus(), status.getTrailers() == null ? new Metadata() : status.getTrailers());
                }
                catch (final RuntimeException e)
                {
                    LOG.debug("watch already closed: address={}, error={}", address, e.toString());
                }
            }
            release();
        }

        private void release()
        {
            open.remove(this);
            final Subscription watching;
            synchronized (this)
            {
                ended = true;
                watching = subscription;
                subscription = null;
            }
            if (watching != null)
            {
                watching.close();
            }
        }
    }
}
