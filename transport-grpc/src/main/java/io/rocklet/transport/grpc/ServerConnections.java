package io.rocklet.transport.grpc;

import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerTransportFilter;

import java.util.ArrayList;
import java.util.List;

/**
 * The connections of one server, as its handlers see them: each connection gets a {@link Connection} when it is
 * ready, its calls run with it in their {@link Context} ({@link Connection#current()}), and it is closed (its
 * listeners run) when the transport terminates, whatever the reason: the peer closed or died (its socket reset),
 * keep-alive found it dead, the idle rule closed it, the server stopped. Thread-safe.
 */
final class ServerConnections extends ServerTransportFilter implements ServerInterceptor
{
    private static final Attributes.Key<Connection> ATTRIBUTE = Attributes.Key.create("rocklet-connection");
    private static final Context.Key<Connection> CONTEXT = Context.key("rocklet-connection");

    /**
     * One connection of a server. Thread-safe.
     */
    static final class Connection
    {
        private final List<Runnable> onClose = new ArrayList<>();
        private boolean closed;

        /**
         * @return the connection the current call arrived on, or null outside a call of a server with this filter.
         */
        static Connection current()
        {
            return CONTEXT.get();
        }

        /**
         * Runs {@code listener} once when the connection closes: at once if it is closed already.
         */
        void onClose(final Runnable listener)
        {
            synchronized (this)
            {
                if (!closed)
                {
                    onClose.add(listener);
                    return;
                }
            }
            listener.run();
        }

        synchronized boolean closed()
        {
            return closed;
        }

        private void close()
        {
            final List<Runnable> listeners;
            synchronized (this)
            {
                if (closed)
                {
                    return;
                }
                closed = true;
                listeners = List.copyOf(onClose);
                onClose.clear();
            }
            listeners.forEach(Runnable::run);
        }
    }

    @Override
    public Attributes transportReady(final Attributes attributes)
    {
        return attributes.toBuilder().set(ATTRIBUTE, new Connection()).build();
    }

    @Override
    public void transportTerminated(final Attributes attributes)
    {
        final Connection connection = attributes == null ? null : attributes.get(ATTRIBUTE);
        if (connection != null)
        {
            connection.close();
        }
    }

    @Override
    public <P, R> ServerCall.Listener<P> interceptCall(final ServerCall<P, R> call, final Metadata headers,
        final ServerCallHandler<P, R> next)
    {
        final Connection connection = call.getAttributes().get(ATTRIBUTE);
        if (connection == null)
        {
            return next.startCall(call, headers);
        }
        return Contexts.interceptCall(Context.current().withValue(CONTEXT, connection), call, headers, next);
    }
}
