package io.rocklet.transport.grpc;

import com.google.protobuf.MessageLite;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The client side of a watch, a server-streaming call of the broker ({@code WatchGroup}: a consumer group's events,
 * {@code WatchTransactionChecks}: a producer group's check-backs) that delivers the events to the listener until
 * {@link #close()}. A permanent refusal (PERMISSION_DENIED, UNAUTHENTICATED, a rejected request) ends the watch for
 * good: it is logged and reported through {@link #failure()}, never renewed. When the call ends for any other reason
 * (the broker restarted, the connection dropped), it is made again after a back-off that doubles from the
 * transport's minimum to its maximum; once the
 * server confirms a renewed watch (its response headers), the listener gets the {@code renewed} event when there is
 * one (a group watch's MEMBERS_CHANGED: changes made while it was down were missed). Thread-safe: call events arrive
 * one at a time on the transport's executor; the listener runs there and must not block.
 *
 * @param <R> the request message.
 * @param <M> the event message.
 * @param <E> the SPI event.
 */
final class StreamWatch<R extends MessageLite, M extends MessageLite, E> implements Subscription
{
    private static final Logger LOG = LoggerFactory.getLogger(StreamWatch.class);

    private final PeerChannel peer;
    private final MethodDescriptor<R, M> method;
    private final R request;
    private final String what;
    private final Function<M, E> decoder;
    private final Supplier<E> renewed;
    private final Consumer<E> listener;
    private final long backoffMinMs;
    private final long backoffMaxMs;
    private final CompletableFuture<Void> failure = new CompletableFuture<>();
    private ClientCall<R, M> call;
    private ScheduledFuture<?> retry;
    private int failures;
    private boolean renewing;
    private boolean closed;

    /**
     * @param what    names the watch in log lines (its group).
     * @param renewed the event a renewed watch delivers first, or null for none.
     */
    StreamWatch(final PeerChannel peer, final MethodDescriptor<R, M> method, final R request, final String what,
        final Function<M, E> decoder, final Supplier<E> renewed, final Consumer<E> listener,
        final Duration backoffMin, final Duration backoffMax)
    {
        this.peer = peer;
        this.method = method;
        this.request = request;
        this.what = what;
        this.decoder = decoder;
        this.renewed = renewed;
        this.listener = listener;
        this.backoffMinMs = backoffMin.toMillis();
        this.backoffMaxMs = backoffMax.toMillis();
    }

    /**
     * Makes the first call.
     */
    synchronized StreamWatch<R, M, E> start()
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
            open.cancel("watch closed", null);
        }
    }

    private synchronized void open()
    {
        retry = null;
        if (closed || peer.closed())
        {
            return;
        }
        final ClientCall<R, M> opened = peer.newStream(method);
        call = opened;
        opened.start(new Listener(opened), peer.headers(method.getFullMethodName()));
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
        final boolean wasRenewing;
        synchronized (this)
        {
            if (!current(which))
            {
                return;
            }
            wasRenewing = renewing;
            renewing = false;
            failures = 0;
        }
        if (wasRenewing)
        {
            LOG.info("watch renewed: method={}, group={}, address={}", method.getBareMethodName(), what,
                peer.address());
            if (renewed != null)
            {
                deliver(renewed.get());
            }
        }
    }

    private void onEnded(final ClientCall<?, ?> which, final Status status, final Metadata trailers)
    {
        final RockletException error = StatusErrors.toRockletException(status, trailers, peer.address(),
            method.getFullMethodName());
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
                    LOG.info("watch ended, renewing: method={}, group={}, address={}, error={}",
                        method.getBareMethodName(), what, peer.address(), error.getMessage());
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
        LOG.info("watch refused, not renewed: method={}, group={}, address={}, code={}, error={}",
            method.getBareMethodName(), what, peer.address(), error.errorCode(), error.getMessage());
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

    private void deliver(final E event)
    {
        try
        {
            listener.accept(event);
        }
        catch (final RuntimeException e)
        {
            LOG.warn("watch listener failed: method={}, group={}, event={}, error={}", method.getBareMethodName(),
                what, event, e.toString(), e);
        }
    }

    /** Events of one call. */
    private final class Listener extends ClientCall.Listener<M>
    {
        private final ClientCall<R, M> which;

        Listener(final ClientCall<R, M> which)
        {
            this.which = which;
        }

        @Override
        public void onHeaders(final Metadata headers)
        {
            onEstablished(which);
        }

        @Override
        public void onMessage(final M message)
        {
            if (!current(which))
            {
                return;
            }
            final E event;
            try
            {
                event = decoder.apply(message);
            }
            catch (final RuntimeException e)
            {
                LOG.warn("malformed watch event ignored: method={}, group={}, address={}, error={}",
                    method.getBareMethodName(), what, peer.address(), e.getMessage());
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
