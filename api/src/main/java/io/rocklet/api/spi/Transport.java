package io.rocklet.api.spi;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.auth.AccessControl;
import io.rocklet.api.auth.Credentials;

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
     * @param credentials what every call of the stub is signed with (a cluster member's), or null for none.
     * @return a stub for the failover controller at {@code address} whose calls carry that identity.
     * @throws InvalidArgumentException when the transport cannot carry credentials.
     */
    default ControllerService controller(final String address, final Credentials credentials)
    {
        if (credentials != null)
        {
            throw new InvalidArgumentException("transport cannot sign calls: transport=" + this + ", credentials=" +
                credentials);
        }
        return controller(address);
    }

    /**
     * Serves a failover controller whose every call is checked by {@code access}
     * ({@link io.rocklet.api.auth.ControllerOperations}: only cluster members change state).
     *
     * @throws InvalidArgumentException when access control is on and the transport cannot enforce it.
     */
    default Binding serve(final String address, final ControllerService service, final AccessControl access)
    {
        if (access != null && access.enabled())
        {
            throw new InvalidArgumentException("transport cannot enforce access control: transport=" + this +
                ", address=" + address);
        }
        return serve(address, service);
    }

    /**
     * @param credentials what every call of the stub is signed with, or null for none.
     * @return a stub for the router at {@code address} whose calls carry the identity of {@code credentials}.
     * @throws InvalidArgumentException when the transport cannot carry credentials.
     */
    default RouterService router(final String address, final Credentials credentials)
    {
        if (credentials != null)
        {
            throw new InvalidArgumentException("transport cannot sign calls: transport=" + this + ", credentials=" +
                credentials);
        }
        return router(address);
    }

    /**
     * @param credentials what every call of the stub is signed with, or null for none.
     * @return a stub for the broker at {@code address} whose calls carry the identity of {@code credentials}.
     * @throws InvalidArgumentException when the transport cannot carry credentials.
     */
    default BrokerService broker(final String address, final Credentials credentials)
    {
        if (credentials != null)
        {
            throw new InvalidArgumentException("transport cannot sign calls: transport=" + this + ", credentials=" +
                credentials);
        }
        return broker(address);
    }

    /**
     * Serves {@code service} at {@code address}, every call checked by {@code access} before the service sees it.
     *
     * @throws InvalidArgumentException when {@code access} is enabled and the transport cannot enforce it.
     */
    default Binding serve(final String address, final RouterService service, final AccessControl access)
    {
        if (access != null && access.enabled())
        {
            throw new InvalidArgumentException("transport cannot enforce access control: transport=" + this +
                ", address=" + address);
        }
        return serve(address, service);
    }

    /**
     * Serves {@code service} at {@code address}, every call checked by {@code access} before the service sees it.
     *
     * @throws InvalidArgumentException when {@code access} is enabled and the transport cannot enforce it.
     */
    default Binding serve(final String address, final BrokerService service, final AccessControl access)
    {
        if (access != null && access.enabled())
        {
            throw new InvalidArgumentException("transport cannot enforce access control: transport=" + this +
                ", address=" + address);
        }
        return serve(address, service);
    }

    /**
     * Closes connections and bindings. Idempotent.
     */
    @Override
    void close();
}
