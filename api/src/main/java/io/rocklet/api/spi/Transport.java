package io.rocklet.api.spi;

/**
 * How routers, brokers and clients reach each other. The same router, broker and client code runs over
 * any transport: the local one (in-JVM calls, addresses like {@code local://router-1}) or the gRPC one.
 * A transport hands out stubs that implement the service contracts and serves local implementations
 * at addresses. Thread-safe.
 */
public interface Transport extends AutoCloseable
{
    /**
     * @return a stub for the router at {@code address}; calls fail with
     *     {@link io.rocklet.api.ErrorCode#BROKER_UNAVAILABLE} while nothing is served there.
     */
    RouterService router(String address);

    /**
     * @return a stub for the broker at {@code address}.
     */
    BrokerService broker(String address);

    /**
     * Serves {@code service} at {@code address} until the binding is closed.
     */
    Binding serve(String address, RouterService service);

    /**
     * Serves {@code service} at {@code address} until the binding is closed.
     */
    Binding serve(String address, BrokerService service);

    /**
     * Closes connections and bindings. Idempotent.
     */
    @Override
    void close();
}
