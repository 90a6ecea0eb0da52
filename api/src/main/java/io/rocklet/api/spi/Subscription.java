package io.rocklet.api.spi;

import java.util.concurrent.CompletableFuture;

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

    /**
     * @return a future that fails, with the server's refusal, when the registration ended for good by itself (a
     *     group watch refused with PERMISSION_DENIED, UNAUTHENTICATED or a rejected request: it is not renewed); it
     *     never completes otherwise ({@link #close()} does not complete it). By default: never.
     */
    default CompletableFuture<Void> failure()
    {
        return new CompletableFuture<>();
    }
}
