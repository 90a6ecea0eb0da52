package io.rocklet.api.spi;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;

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
     * @return a stub for the failover controller at {@code address}. Transports that do not carry the controller
     *     service (test wrappers) fail with INTERNAL_ERROR; the local and gRPC transports do.
     */
    default ControllerService controller(final String address)
    {
        throw new RockletException(ErrorCode.INTERNAL_ERROR, "transport does not carry the controller service: " +
            "transport=" + getClass().getName() + ", address=" + address);
    }

    /**
     * Serves {@code service} at {@code address} until the binding is closed (a controller and a router or broker may
     * share an address on the gRPC transport).
     */
    default Binding serve(final String address, final ControllerService service)
    {
        throw new RockletException(ErrorCode.INTERNAL_ERROR, "transport does not carry the controller service: " +
            "transport=" + getClass().getName() + ", address=" + address);
    }

    /**
     * Closes connections and bindings. Idempotent.
     */
    @Override
    void close();
}
