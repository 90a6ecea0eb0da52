package io.rocklet.transport.grpc;

import io.rocklet.api.spi.Binding;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A server endpoint or a service served on one, as {@link GrpcTransport} hands them out. Its {@link #address()} is
 * the address actually bound: asked for port 0, it names the port the system chose, so that it can be published
 * (in a router's or broker's configuration). Thread-safe; {@link #close()} is idempotent.
 */
public final class GrpcBinding implements Binding
{
    private final String address;
    private final int port;
    private final Runnable closer;
    private final AtomicBoolean closed = new AtomicBoolean();

    GrpcBinding(final GrpcAddress bound, final Runnable closer)
    {
        this.address = bound.toString();
        this.port = bound.port();
        this.closer = closer;
    }

    /**
     * @return {@code grpc://<host>:<port>} with the port actually bound.
     */
    @Override
    public String address()
    {
        return address;
    }

    /**
     * @return the port actually bound.
     */
    public int port()
    {
        return port;
    }

    /**
     * Stops serving: a service binding stops answering (calls get a retriable BROKER_UNAVAILABLE); an endpoint
     * binding also stops its server.
     */
    @Override
    public void close()
    {
        if (closed.compareAndSet(false, true))
        {
            closer.run();
        }
    }

    @Override
    public String toString()
    {
        return "GrpcBinding{" + address + '}';
    }
}
