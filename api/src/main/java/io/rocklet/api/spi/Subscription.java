package io.rocklet.api.spi;

/**
 * A registration that lasts until closed (a watch on a consumer group, a served address).
 */
public interface Subscription extends AutoCloseable
{
    /**
     * Ends the registration. Idempotent.
     */
    @Override
    void close();
}
