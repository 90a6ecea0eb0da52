package io.rocklet.transport.grpc;

import io.rocklet.api.spi.Binding;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

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
    private final Consumer<Boolean> health;
    private final AtomicBoolean closed = new AtomicBoolean();

    GrpcBinding(final GrpcAddress bound, final Runnable closer)
    {
        this(bound, closer, null);
    }

    /**
     * @param health sets what the endpoint's health service answers; null for a service on an endpoint another
     *               binding owns.
     */
    GrpcBinding(final GrpcAddress bound, final Runnable closer, final Consumer<Boolean> health)
    {
        this.address = bound.toString();
        this.port = bound.port();
        this.closer = closer;
        this.health = health;
    }

    /**
     * Sets what the endpoint's standard gRPC health service ({@code grpc.health.v1.Health}, for the server as a whole,
     * service name "", and for each service bound there) answers: SERVING or NOT_SERVING. An endpoint started by
     * {@link GrpcTransport#listen} starts NOT_SERVING until its owner says it is ready; one started by
     * {@link GrpcTransport#serve} for its service alone starts SERVING. Closing the endpoint answers NOT_SERVING to
     * the end.
     *
     * @throws IllegalStateException for a service served on an endpoint another binding owns.
     */
    public void serving(final boolean ready)
    {
        if (health == null)
        {
            throw new IllegalStateException("the health of " + address + " belongs to the binding that started its " +
                "server");
        }
        health.accept(ready);
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
