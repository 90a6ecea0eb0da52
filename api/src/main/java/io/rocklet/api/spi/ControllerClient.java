package io.rocklet.api.spi;

import io.rocklet.api.auth.Credentials;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.NotLeaderException;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.RouterService.BrokerIdentity;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The failover controllers as one {@link ControllerService}, for brokers and the admin: each call goes to the
 * controller that answered last (the leader, as far as this client knows); a NOT_LEADER answer that names the leader
 * sends the call there next, and any other retriable failure (NOT_LEADER without a name, NO_QUORUM, an unreachable or
 * slow controller) to the next configured address. After a round over every address with no leader found it waits
 * {@code roundDelay} (an election may be running) and tries again, {@code rounds} times in all; then the call fails
 * with the last error, naming the addresses tried. Errors that retrying cannot cure (STALE_EPOCH, INVALID_ARGUMENT,
 * REPLICA_SET_NOT_FOUND) fail at once.
 *
 * <p>A broker drives it like RocketMQ's controller mode: {@link #registerReplica} at start, then
 * {@link #heartbeat} every 500 ms to 1 s with its epoch and log end; each answer's {@code masterBrokerId} and
 * {@code masterEpoch} say whether it is master (and in which epoch) or the slave of {@code masterAddress()}; the
 * master reports its in-sync replicas with {@link #alterSyncStateSet}. Thread-safe; waits on no thread (the delay
 * between rounds is a delayed completion, not a sleep).
 */
public final class ControllerClient implements ControllerService
{
    /** Rounds over the addresses by default: about two election timeouts with the default delay. */
    public static final int DEFAULT_ROUNDS = 5;
    /** Wait between rounds by default. */
    public static final Duration DEFAULT_ROUND_DELAY = Duration.ofMillis(300);

    private final Transport transport;
    private final List<String> addresses;
    private final int rounds;
    private final long roundDelayMs;
    private final Credentials credentials;
    private volatile String preferred;

    /**
     * @param transport  reaches the controllers.
     * @param addresses  every controller's service address (at least one).
     * @param rounds     rounds over the addresses before a call fails (at least 1).
     * @param roundDelay wait between rounds (zero or more).
     */
    public ControllerClient(final Transport transport, final List<String> addresses, final int rounds,
        final Duration roundDelay)
    {
        this(transport, addresses, rounds, roundDelay, null);
    }

    /**
     * @param credentials what every call is signed with (a broker's member credentials; controllers under access
     *                    control serve members only), or null for none.
     */
    public ControllerClient(final Transport transport, final List<String> addresses, final int rounds,
        final Duration roundDelay, final Credentials credentials)
    {
        if (transport == null || addresses == null || addresses.isEmpty() || rounds < 1 || roundDelay == null ||
            roundDelay.isNegative())
        {
            throw new InvalidArgumentException("illegal controller client: transport=" + transport + ", addresses=" +
                addresses + ", rounds=" + rounds + " (>= 1), roundDelay=" + roundDelay + " (>= 0)");
        }
        for (final String address : addresses)
        {
            if (address == null || address.isBlank())
            {
                throw new InvalidArgumentException("illegal controller client: addresses=" + addresses +
                    ", blank address");
            }
        }
        this.transport = transport;
        this.addresses = List.copyOf(addresses);
        this.rounds = rounds;
        this.roundDelayMs = roundDelay.toMillis();
        this.preferred = this.addresses.get(0);
        this.credentials = credentials;
    }

    /**
     * @return a client with {@link #DEFAULT_ROUNDS} rounds and {@link #DEFAULT_ROUND_DELAY}.
     */
    public static ControllerClient create(final Transport transport, final List<String> addresses)
    {
        return new ControllerClient(transport, addresses, DEFAULT_ROUNDS, DEFAULT_ROUND_DELAY);
    }

    /**
     * @param credentials what every call is signed with, or null for none.
     * @return a client with {@link #DEFAULT_ROUNDS} rounds and {@link #DEFAULT_ROUND_DELAY}.
     */
    public static ControllerClient create(final Transport transport, final List<String> addresses,
        final Credentials credentials)
    {
        return new ControllerClient(transport, addresses, DEFAULT_ROUNDS, DEFAULT_ROUND_DELAY, credentials);
    }

    /**
     * @return the address calls go to first (the leader as far as this client knows).
     */
    public String preferredAddress()
    {
        return preferred;
    }

    @Override
    public CompletableFuture<ReplicaSetState> registerReplica(final BrokerIdentity replica)
    {
        return call("registerReplica", service -> service.registerReplica(replica));
    }

    @Override
    public CompletableFuture<ReplicaSetState> heartbeat(final ReplicaHeartbeat heartbeat)
    {
        return call("heartbeat", service -> service.heartbeat(heartbeat));
    }

    @Override
    public CompletableFuture<ReplicaSetState> alterSyncStateSet(final SyncStateSetChange change)
    {
        return call("alterSyncStateSet", service -> service.alterSyncStateSet(change));
    }

    @Override
    public CompletableFuture<ReplicaSetState> replicaSet(final String brokerName)
    {
        return call("replicaSet", service -> service.replicaSet(brokerName));
    }

    @Override
    public CompletableFuture<ReplicaSetState> electMaster(final String brokerName)
    {
        return call("electMaster", service -> service.electMaster(brokerName));
    }

    @Override
    public String toString()
    {
        return "ControllerClient{addresses=" + addresses + ", preferred=" + preferred + '}';
    }

    private <T> CompletableFuture<T> call(final String operation,
        final Function<ControllerService, CompletableFuture<T>> call)
    {
        final Attempts attempts = new Attempts(operation);
        return attempt(call, attempts, preferred);
    }

    private <T> CompletableFuture<T> attempt(final Function<ControllerService, CompletableFuture<T>> call,
        final Attempts attempts, final String address)
    {
        attempts.tried.add(address);
        CompletableFuture<T> answer;
        try
        {
            answer = call.apply(credentials == null ? transport.controller(address) :
                transport.controller(address, credentials));
        }
        catch (final RuntimeException e)
        {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.handle((value, error) ->
        {
            if (error == null)
            {
                preferred = address;
                return CompletableFuture.completedFuture(value);
            }
            final RockletException failure = rocklet(error, address);
            if (!failure.retriable())
            {
                preferred = address; // it answered: it is the leader, the request was refused
                return CompletableFuture.<T>failedFuture(failure);
            }
            final String next = next(attempts, address, failure);
            if (next == null)
            {
                return CompletableFuture.<T>failedFuture(new RockletException(failure.errorCode(),
                    "no controller leader answered: operation=" + attempts.operation + ", rounds=" + rounds +
                    ", tried=" + attempts.tried + ", lastError=" + failure.getMessage(), failure));
            }
            if (attempts.sinceRoundStart == 0 && attempts.round > 0 && roundDelayMs > 0)
            {
                return CompletableFuture.supplyAsync(() -> next,
                        CompletableFuture.delayedExecutor(roundDelayMs, TimeUnit.MILLISECONDS))
                    .thenCompose(target -> attempt(call, attempts, target));
            }
            return attempt(call, attempts, next);
        }).thenCompose(Function.identity());
    }

    /**
     * @return the address to try after {@code failed}, or null when every round is spent.
     */
    private String next(final Attempts attempts, final String failed, final RockletException failure)
    {
        // a hint is followed only to a configured address: a controller names the leader by the address it serves
        // at, which this client may not reach that way (a proxy, NAT, a partition), and a hint followed elsewhere
        // would become the preferred address, around the path this client was given
        if (failure instanceof NotLeaderException notLeader && addresses.contains(notLeader.leaderAddress()) &&
            !notLeader.leaderAddress().equals(failed) && attempts.hinted < addresses.size())
        {
            attempts.hinted++;
            return notLeader.leaderAddress(); // a hint does not count against the round
        }
        attempts.sinceRoundStart++;
        if (attempts.sinceRoundStart >= addresses.size())
        {
            attempts.round++;
            attempts.sinceRoundStart = 0;
            if (attempts.round >= rounds)
            {
                return null;
            }
        }
        final int index = addresses.indexOf(failed);
        return addresses.get((index + 1) % addresses.size());
    }

    private static RockletException rocklet(final Throwable error, final String address)
    {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) &&
            cause.getCause() != null)
        {
            cause = cause.getCause();
        }
        if (cause instanceof RockletException rocklet)
        {
            return rocklet;
        }
        return new RockletException(ErrorCode.INTERNAL_ERROR, "controller call failed: address=" + address +
            ", error=" + cause, cause);
    }

    /** One call's progress over the addresses; touched by one attempt at a time. */
    private static final class Attempts
    {
        private final String operation;
        private final List<String> tried = new ArrayList<>();
        private int round;
        private int sinceRoundStart;
        private int hinted;

        private Attempts(final String operation)
        {
            this.operation = operation;
        }
    }
}
