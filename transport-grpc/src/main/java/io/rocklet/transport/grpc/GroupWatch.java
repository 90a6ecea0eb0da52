package io.rocklet.transport.grpc;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.BrokerService.GroupEvent;
import io.rocklet.api.spi.Subscription;
import io.rocklet.transport.grpc.proto.BrokerGrpc;
import io.rocklet.transport.grpc.proto.BrokerProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The client side of {@code WatchGroup}: a server-streaming call that delivers the group's events to the listener
 * until {@link #close()}. A permanent refusal (PERMISSION_DENIED, UNAUTHENTICATED, a rejected request) ends the watch
 * for good: it is logged once and reported through {@link #failure()}, never renewed. When the call ends for any
 * other reason (the broker restarted, the connection dropped), it is made again after a back-off that doubles from the transport's minimum to its maximum;
 * once the server confirms a renewed watch (its response headers), the listener gets a MEMBERS_CHANGED event, since
 * changes made while the watch was down were missed. Thread-safe: call events arrive one at a time on the
 * transport's executor; the listener runs there and must not block.
 */
final class GroupWatch implements Subscription
{
    private static final Logger LOG = LoggerFactory.getLogger(GroupWatch.class);
    private static final String METHOD = BrokerGrpc.getWatchGroupMethod().getFullMethodName();

    private final PeerChannel peer;
    private final BrokerProto.WatchGroupRequest request;
    private final Consumer<GroupEvent> listener;
    private final long backoffMinMs;
    private final long backoffMaxMs;
    private final CompletableFuture<Void> failure = new CompletableFuture<>();
    private ClientCall<BrokerProto.WatchGroupRequest, BrokerProto.GroupEvent> call;
    private ScheduledFuture<?> retry;
    private int failures;
    private boolean renewing;
    private boolean closed;

    GroupWatch(final PeerChannel peer, final String group, final String clientId, final Consumer<GroupEvent> listener,
        final Duration backoffMin, final Duration backoffMax)
    {
        this.peer = peer;
        this.request = BrokerProto.WatchGroupRequest.newBuilder()
            .setGroup(CommonCodec.text(group))
            .setClientId(CommonCodec.text(clientId))
            .build();
        this.listener = listener;
        this.backoffMinMs = backoffMin.toMillis();
        this.backoffMaxMs = backoffMax.toMillis();
    }

    /**
     * Makes the first call.
     */
    synchronized GroupWatch start()
    {
        open();
        return this;
    }

    @Override
    public CompletableFuture<Void> failure()
    {
        return failure;
    }

    /**
     * @return true while a call is open or a renewal is scheduled (false once closed or refused for good).
     */
    synchronized boolean active()
    {
        return call != null || retry != null;
    }

    @Override
    public void close()
    {
        final ClientCall<?, ?> open;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            open = call;
            call = null;
            if (retry != null)
            {
                retry.cancel(false);
            }
        }
        if (open != null)
        {
            open.cancel("group watch closed", null);
        }
    }

    private synchronized void open()
    {
        retry = null;
        if (closed || peer.closed())
        {
            return;
        }
        final ClientCall<BrokerProto.WatchGroupRequest, BrokerProto.GroupEvent> opened =
            peer.newStream(BrokerGrpc.getWatchGroupMethod());
        call = opened;
        opened.start(new Listener(opened), peer.headers(BrokerGrpc.getWatchGroupMethod().getFullMethodName()));
        opened.request(1);
        opened.sendMessage(request);
        opened.halfClose();
    }

    private synchronized boolean current(final ClientCall<?, ?> which)
    {
        return !closed && call == which;
    }

    private void onEstablished(final ClientCall<?, ?> which)
    {
        final boolean renewed;
        synchronized (this)
        {
            if (!current(which))
            {
                return;
            }
            renewed = renewing;
            renewing = false;
            failures = 0;
        }
        if (renewed)
        {
            LOG.info("group watch renewed: group={}, address={}", request.getGroup(), peer.address());
            deliver(new GroupEvent(request.getGroup(), GroupEvent.Kind.MEMBERS_CHANGED));
        }
    }

    private void onEnded(final ClientCall<?, ?> which, final Status status, final Metadata trailers)
    {
        final RockletException error = StatusErrors.toRockletException(status, trailers, peer.address(), METHOD);
        synchronized (this)
        {
            if (!current(which))
            {
                return;
            }
            call = null;
            if (!permanent(error))
            {
                failures++;
                renewing = true;
                final long delay = ReconnectBackoff.delayMs(failures, backoffMinMs, backoffMaxMs);
                if (failures == 1)
                {
                    LOG.info("group watch ended, renewing: group={}, address={}, error={}", request.getGroup(),
                        peer.address(), error.getMessage());
                }
                try
                {
                    retry = peer.timers().schedule(this::open, delay, TimeUnit.MILLISECONDS);
                }
                catch (final RejectedExecutionException e)
                {
                    closed = true; // the transport is closing
                }
                return;
            }
        }
        // the owner hears it through failure() (a consumer logs it once at WARN)
        LOG.info("group watch refused, not renewed: group={}, address={}, code={}, error={}", request.getGroup(),
            peer.address(), error.errorCode(), error.getMessage());
        failure.completeExceptionally(error);
    }

    /**
     * @return true when renewing the watch would be refused the same way: the caller or the request is refused.
     */
    private static boolean permanent(final RockletException error)
    {
        return StatusErrors.rejectsRequest(error.errorCode()) || error.errorCode() == ErrorCode.PERMISSION_DENIED ||
            error.errorCode() == ErrorCode.UNAUTHENTICATED;
    }

    private void deliver(final GroupEvent event)
    {
        try
        {
            listener.accept(event);
        }
        catch (final RuntimeException e)
        {
            LOG.warn("group watch listener failed: group={}, kind={}, error={}", event.group(), event.kind(),
                e.toString(), e);
        }
    }

    /** Events of one call. */
    private final class Listener extends ClientCall.Listener<BrokerProto.GroupEvent>
    {
        private final ClientCall<BrokerProto.WatchGroupRequest, BrokerProto.GroupEvent> which;

        Listener(final ClientCall<BrokerProto.WatchGroupRequest, BrokerProto.GroupEvent> which)
        {
            this.which = which;
        }

        @Override
        public void onHeaders(final Metadata headers)
        {
            onEstablished(which);
        }

        @Override
        public void onMessage(final BrokerProto.GroupEvent message)
        {
            if (!current(which))
            {
                return;
            }
            final GroupEvent event;
            try
            {
                event = GroupCodec.groupEvent(message);
            }
            catch (final RuntimeException e)
            {
                LOG.warn("malformed group event ignored: group={}, address={}, error={}", request.getGroup(),
                    peer.address(), e.getMessage());
                which.request(1);
                return;
            }
            deliver(event);
            which.request(1);
        }

        @Override
        public void onClose(final Status status, final Metadata trailers)
        {
            onEnded(which, status, trailers);
        }
    }
}
