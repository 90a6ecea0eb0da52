package io.rocklet.client.admin;

import io.rocklet.api.ClosedException;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.RouterService.BrokerRoute;
import io.rocklet.api.spi.RouterService.ClusterInfo;
import io.rocklet.client.internal.DefaultClientContext;
import io.rocklet.client.internal.Futures;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * How the admin reaches brokers: the masters a router's cluster information names, the ones of them holding a
 * topic, and calls to several brokers in parallel, each bounded by the client's request timeout. Which brokers hold
 * a topic is asked of the brokers themselves, not of the routers, so a topic just created is seen at once.
 * Stateless besides the client context; thread-safe.
 */
final class AdminCalls
{
    private final DefaultClientContext context;
    private final long timeoutNs;

    /**
     * A broker holding a topic: its master's address and its configuration of the topic.
     */
    record Holder(String address, TopicConfig config)
    {
    }

    AdminCalls(final DefaultClientContext context)
    {
        this.context = context;
        this.timeoutNs = context.config().requestTimeout().toNanos();
    }

    DefaultClientContext context()
    {
        return context;
    }

    long timeoutNs()
    {
        return timeoutNs;
    }

    /**
     * @throws ClosedException once the client is closed.
     */
    void checkOpen()
    {
        if (context.isClosed())
        {
            throw new ClosedException("client closed: clientId=" + context.clientId());
        }
    }

    /**
     * @return broker name to master address, sorted by name, from a router's cluster information.
     */
    Map<String, String> masters()
    {
        checkOpen();
        final ClusterInfo info = Futures.await(context.routers().clusterInfo(), "query cluster info");
        final Map<String, String> masters = new TreeMap<>();
        for (final BrokerRoute broker : info.brokers().values())
        {
            if (broker.masterAddress() != null)
            {
                masters.put(broker.brokerName(), broker.masterAddress());
            }
        }
        return masters;
    }

    /**
     * @return the brokers whose masters hold {@code topic}, sorted by name.
     * @throws RockletException TOPIC_NOT_FOUND when none does.
     */
    Map<String, Holder> holders(final String topic)
    {
        final Map<String, String> masters = masters();
        final Map<String, List<TopicConfig>> topics = fanOut("list topics: topic=" + topic, masters,
            BrokerService::topics);
        final Map<String, Holder> holders = new TreeMap<>();
        topics.forEach((name, configs) -> configs.stream().filter(config -> config.name().equals(topic)).findFirst()
            .ifPresent(config -> holders.put(name, new Holder(masters.get(name), config))));
        if (holders.isEmpty())
        {
            throw new RockletException(ErrorCode.TOPIC_NOT_FOUND, "no broker has the topic: topic=" + topic +
                ", brokers=" + masters.keySet());
        }
        return holders;
    }

    /**
     * @return broker name to master address of the holders.
     */
    static Map<String, String> addresses(final Map<String, Holder> holders)
    {
        final Map<String, String> addresses = new TreeMap<>();
        holders.forEach((name, holder) -> addresses.put(name, holder.address()));
        return addresses;
    }

    /**
     * Calls every broker in parallel and waits for all.
     *
     * @return broker name to answer.
     * @throws RockletException with the first failure's code, naming every broker that failed (an
     *                          {@link InvalidArgumentException} when that code is INVALID_ARGUMENT or ILLEGAL_TOPIC).
     */
    <T> Map<String, T> fanOut(final String what, final Map<String, String> brokers,
        final Function<BrokerService, CompletableFuture<T>> call)
    {
        return fanOut(what, brokers, call, null);
    }

    /**
     * Calls every broker in parallel and waits for all; brokers failing with {@code skipped} are left out of the
     * answer.
     *
     * @return broker name to answer, for the brokers that answered.
     * @throws RockletException as {@link #fanOut(String, Map, Function)} for failures with other codes.
     */
    <T> Map<String, T> fanOut(final String what, final Map<String, String> brokers,
        final Function<BrokerService, CompletableFuture<T>> call, final ErrorCode skipped)
    {
        final Map<String, CompletableFuture<T>> calls = new TreeMap<>();
        brokers.forEach((name, address) -> calls.put(name, call(what + ", brokerName=" + name, address, call)));
        final Map<String, T> answers = new LinkedHashMap<>();
        final Map<String, String> failures = new TreeMap<>();
        RockletException first = null;
        for (final Map.Entry<String, CompletableFuture<T>> entry : calls.entrySet())
        {
            try
            {
                answers.put(entry.getKey(), Futures.await(entry.getValue(), what));
            }
            catch (final RockletException e)
            {
                if (e.errorCode() != skipped)
                {
                    first = first == null ? e : first;
                    failures.put(entry.getKey(), e.getMessage());
                }
            }
        }
        if (first != null)
        {
            final String message = what + " failed: failedBrokers=" + failures + ", succeeded=" +
                new TreeSet<>(answers.keySet());
            if (first instanceof InvalidArgumentException)
            {
                throw new InvalidArgumentException(first.errorCode(), message);
            }
            throw new RockletException(first.errorCode(), message, first);
        }
        return answers;
    }

    /**
     * @return the answer of one broker, failing with TIMEOUT after the request timeout; failures arrive unwrapped.
     */
    <T> CompletableFuture<T> call(final String what, final String address,
        final Function<BrokerService, CompletableFuture<T>> call)
    {
        return Futures.within(Futures.call(() -> call.apply(context.brokerAt(address))), timeoutNs, () -> what);
    }
}
