package io.rocklet.transport.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.StatusRuntimeException;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.GroupEvent;
import io.rocklet.api.spi.Subscription;
import io.rocklet.transport.grpc.proto.BrokerGrpc;
import io.rocklet.transport.grpc.proto.BrokerProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server side of {@code WatchGroup}: one request opens a watch on the broker ({@link BrokerService#watchGroup});
 * the response headers are sent once the watch is in place (the client's sign that it is established), then every
 * group event as one message, until the client cancels or the broker stops being served here ({@link #closeAll()}:
 * the call ends with a retriable BROKER_UNAVAILABLE so that the client watches again). Thread-safe: events come from
 * the broker's threads, call events from gRPC's; each watch serializes them on its own monitor.
 */
final class WatchGroupHandler implements ServerCallHandler<byte[], BrokerProto.GroupEvent>
{
    private static final Logger LOG = LoggerFactory.getLogger(WatchGroupHandler.class);
    private static final String METHOD = BrokerGrpc.getWatchGroupMethod().getFullMethodName();

    private final BrokerService broker;
    private final String address;
    private final Set<Watch> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    WatchGroupHandler(final BrokerService broker, final String address)
    {
        this.broker = broker;
        this.address = address;
    }

    @Override
    public ServerCall.Listener<byte[]> startCall(final ServerCall<byte[], BrokerProto.GroupEvent> call,
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
        private final ServerCall<byte[], BrokerProto.GroupEvent> call;
        private final List<GroupEvent> early = new ArrayList<>();
        private Subscription subscription;
        private boolean started;
        private boolean headersSent;
        private boolean ended;

        Watch(final ServerCall<byte[], BrokerProto.GroupEvent> call)
        {
            this.call = call;
        }

        @Override
        public void onMessage(final byte[] frame)
        {
            final BrokerProto.WatchGroupRequest request;
            synchronized (this)
            {
                if (started)
                {
                    end(StatusErrors.toStatus(ErrorCode.INVALID_ARGUMENT, "one request per watch: method=" + METHOD));
                    return;
                }
                started = true;
                try
                {
                    request = Marshallers.parse(BrokerProto.WatchGroupRequest.parser(), frame);
                }
                catch (final InvalidProtocolBufferException e)
                {
                    end(ServiceBinder.malformed(METHOD, frame.length, e));
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
                    end(StatusErrors.toStatus(ErrorCode.INVALID_ARGUMENT, "watch request missing: method=" + METHOD));
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

        private void start(final BrokerProto.WatchGroupRequest request)
        {
            final Subscription watching;
            try
            {
                watching = broker.watchGroup(request.getGroup(), request.getClientId(), this::onEvent);
            }
            catch (final RuntimeException e)
            {
                end(StatusErrors.toStatus(e, METHOD));
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
                for (final GroupEvent event : early)
                {
                    send(event);
                }
                early.clear();
            }
        }

        private synchronized void onEvent(final GroupEvent event)
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

        private void send(final GroupEvent event)
        {
            try
            {
                call.sendMessage(GroupCodec.groupEvent(event));
            }
            catch (final RuntimeException e)
            {
                LOG.debug("group event not delivered: group={}, kind={}, error={}", event.group(), event.kind(),
                    e.toString());
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
