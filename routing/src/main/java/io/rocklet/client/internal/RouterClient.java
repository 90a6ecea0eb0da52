package io.rocklet.client.internal;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.auth.Credentials;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.RouterService.ClusterInfo;
import io.rocklet.api.spi.RouterService.TopicRoute;
import io.rocklet.api.spi.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Asks the routers (RocketMQ's name servers) of a client: one router, chosen at random at start, answers
 * until it fails; then the next one in the list is asked, and becomes the one asked first (F2). Every call
 * carries the client's request timeout.
 *
 * <p>A router that says TOPIC_NOT_FOUND may merely lag behind a broker's registration (routers are
 * independent), so the others are asked too; the query fails with TOPIC_NOT_FOUND only when no router has
 * the topic, and with NO_ROUTE when no router answered at all. Thread-safe (lock-free).
 */
public final class RouterClient
{
    private static final Logger LOG = LoggerFactory.getLogger(RouterClient.class);

    private final List<String> addresses;
    private final List<RouterService> stubs;
    private final long timeoutNs;
    private final AtomicInteger preferred;

    RouterClient(final List<String> addresses, final Transport transport, final Credentials credentials,
        final Duration timeout, final int first)
    {
        this.addresses = List.copyOf(addresses);
        final List<RouterService> routers = new ArrayList<>(addresses.size());
        for (final String address : addresses)
        {
            routers.add(transport.router(address, credentials));
        }
        this.stubs = List.copyOf(routers);
        this.timeoutNs = timeout.toNanos();
        this.preferred = new AtomicInteger(Math.floorMod(first, addresses.size()));
    }

    /**
     * @return the topic's route; fails with TOPIC_NOT_FOUND or NO_ROUTE.
     */
    public CompletableFuture<TopicRoute> queryRoute(final String topic)
    {
        return call("query route: topic=" + topic, router -> router.queryRoute(topic));
    }

    /**
     * @return the clusters and brokers a router knows; fails with NO_ROUTE when no router answers.
     */
    public CompletableFuture<ClusterInfo> clusterInfo()
    {
        return call("query cluster info", RouterService::clusterInfo);
    }

    /**
     * @return a stub of every router, by address, in configuration order (to ask each one, not one of them).
     */
    public Map<String, RouterService> each()
    {
        final Map<String, RouterService> each = new LinkedHashMap<>();
        for (int i = 0; i < addresses.size(); i++)
        {
            each.put(addresses.get(i), stubs.get(i));
        }
        return Collections.unmodifiableMap(each);
    }

    /**
     * @return the address of the router asked first at the moment.
     */
    public String preferredRouter()
    {
        return addresses.get(preferred.get());
    }

    private <T> CompletableFuture<T> call(final String what, final Function<RouterService, CompletableFuture<T>> call)
    {
        final CompletableFuture<T> result = new CompletableFuture<>();
        attempt(what, call, preferred.get(), 0, null, result);
        return result;
    }

    private <T> void attempt(final String what, final Function<RouterService, CompletableFuture<T>> call,
        final int start, final int tried, final RockletException notFound, final CompletableFuture<T> result)
    {
        final int index = (start + tried) % stubs.size();
        final String address = addresses.get(index);
        Futures.within(Futures.call(() -> call.apply(stubs.get(index))), timeoutNs,
            () -> what + ", router=" + address).whenComplete((value, error) ->
            {
                if (error == null)
                {
                    result.complete(value);
                    return;
                }
                final ErrorCode code = Futures.errorCode(error);
                RockletException stillNotFound = notFound;
                if (code == ErrorCode.TOPIC_NOT_FOUND)
                {
                    stillNotFound = notFound != null ? notFound : Futures.toRockletException(error, what);
                }
                else if (code == ErrorCode.INVALID_ARGUMENT || code == ErrorCode.ILLEGAL_TOPIC ||
                    code == ErrorCode.PERMISSION_DENIED || code == ErrorCode.UNAUTHENTICATED)
                {
                    // the request or the caller is refused: another router would refuse it too, never a NO_ROUTE
                    result.completeExceptionally(Futures.toRockletException(error, what));
                    return;
                }
                else
                {
                    failOver(index, address, error);
                }
                if (tried + 1 < stubs.size())
                {
                    attempt(what, call, start, tried + 1, stillNotFound, result);
                }
                else if (stillNotFound != null)
                {
                    result.completeExceptionally(stillNotFound);
                }
                else
                {
                    result.completeExceptionally(new RockletException(ErrorCode.NO_ROUTE, "no router answered: " +
                        what + ", routers=" + addresses + ", lastError=" + Futures.unwrap(error).getMessage(),
                        Futures.unwrap(error)));
                }
            });
    }

    private void failOver(final int failed, final String address, final Throwable error)
    {
        final int next = (failed + 1) % stubs.size();
        if (preferred.compareAndSet(failed, next) && stubs.size() > 1)
        {
            LOG.warn("router failed, failing over: router={}, next={}, error={}", address, addresses.get(next),
                Futures.unwrap(error).getMessage());
        }
    }
}
