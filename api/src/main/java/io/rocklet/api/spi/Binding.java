package io.rocklet.api.spi;

/**
 * A service served by a transport at an address.
 */
public interface Binding extends Subscription
{
    /**
     * @return the address clients use; for network transports asked to bind port 0, the port actually bound.
     */
    String address();
}
