package io.rocklet.controller;

import io.rocklet.api.spi.ControllerService;
import io.rocklet.api.spi.ControllerService.ReplicaSetState;
import io.rocklet.controller.Command.Announce;
import io.rocklet.controller.Command.Elect;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The controller's agent: follows this controller's leadership (on gaining it, forgets old heartbeats, gives every
 * master a heartbeat timeout of grace, and announces its service address) and, while leader, every check interval
 * replaces each master silent for longer than the heartbeat timeout: the largest log among the live in-sync
 * replicas, else (with {@code allowUncleanElection}) any live replica, else no master; a replica set without a master
 * gets one as soon as an eligible replica heartbeats. Each decision goes through Raft with the epoch it was made on,
 * so a decision on an outdated state is refused. Owned by the controller's thread (or the caller of
 * {@link Controller#doWork()}); decisions complete on Raft's threads.
 */
final class FailoverAgent implements Agent
{
    private static final Logger LOG = LoggerFactory.getLogger(FailoverAgent.class);
    private static final long NOT_LEADER = -1;

    private final ControllerConfig config;
    private final ControllerEndpoint endpoint;
    private final ReplicaSets sets;
    private final Liveness liveness;
    private final EpochClock clock;
    private final String serviceAddress;
    private final String roleName;
    private final Set<String> deciding = ConcurrentHashMap.newKeySet();
    private long leaderTerm = NOT_LEADER;
    private long leaderSinceMs;
    private long nextCheckMs;
    private volatile boolean announcing;

    FailoverAgent(final ControllerConfig config, final ControllerEndpoint endpoint, final ReplicaSets sets,
        final Liveness liveness, final String serviceAddress)
    {
        this.config = config;
        this.endpoint = endpoint;
        this.sets = sets;
        this.liveness = liveness;
        this.clock = config.clock();
        this.serviceAddress = serviceAddress;
        this.roleName = "rocklet-controller-" + config.id();
    }

    @Override
    public int doWork()
    {
        return followLeadership() + announceAddress() + checkMasters() + config.accessControl().refresh();
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    private int followLeadership()
    {
        final boolean leader = endpoint.leaderReady();
        final long term = leader ? endpoint.term() : NOT_LEADER;
        if (term == leaderTerm)
        {
            return 0;
        }
        leaderTerm = term;
        if (leader)
        {
            liveness.clear();
            leaderSinceMs = clock.time();
            nextCheckMs = leaderSinceMs;
            LOG.info("controller became leader: controller={}, term={}, replicaSets={}, graceMs={}", config.id(),
                term, sets.all().size(), config.heartbeatTimeout().toMillis());
        }
        return 1;
    }

    /** The leader writes its own service address, so that followers can name it in NOT_LEADER answers. */
    private int announceAddress()
    {
        if (leaderTerm == NOT_LEADER || serviceAddress == null || announcing ||
            serviceAddress.equals(sets.controllerAddress(config.id())))
        {
            return 0;
        }
        announcing = true;
        endpoint.submit(new Announce(config.id(), serviceAddress)).whenComplete((state, error) ->
        {
            announcing = false;
            if (error != null)
            {
                LOG.warn("controller address not announced, will retry: controller={}, error={}", config.id(),
                    error.toString());
            }
        });
        return 1;
    }

    private int checkMasters()
    {
        final long nowMs = clock.time();
        if (leaderTerm == NOT_LEADER || nowMs < nextCheckMs)
        {
            return 0;
        }
        nextCheckMs = nowMs + config.checkInterval().toMillis();
        int work = 1;
        for (final ReplicaSetState set : sets.all())
        {
            if (!deciding.contains(set.brokerName()))
            {
                work += check(set, nowMs);
            }
        }
        return work;
    }

    private int check(final ReplicaSetState set, final long nowMs)
    {
        if (set.hasMaster())
        {
            if (!liveness.masterSilent(set, nowMs, leaderSinceMs))
            {
                return 0;
            }
            final long chosen = liveness.choose(set, set.masterBrokerId(), nowMs, config.allowUncleanElection());
            logElection(set, chosen, "master silent longer than heartbeatTimeoutMs=" +
                config.heartbeatTimeout().toMillis());
            decide(set, chosen);
            return 1;
        }
        if (set.masterEpoch() == 0)
        {
            return 0; // never had a master: the first registration makes one
        }
        final long chosen = liveness.choose(set, ControllerService.NO_MASTER, nowMs, config.allowUncleanElection());
        if (chosen == ControllerService.NO_MASTER)
        {
            return 0;
        }
        logElection(set, chosen, "replica set had no master");
        decide(set, chosen);
        return 1;
    }

    private void logElection(final ReplicaSetState set, final long chosen, final String reason)
    {
        if (chosen == ControllerService.NO_MASTER)
        {
            LOG.error("no eligible replica, replica set left without a master: controller={}, brokerName={}, " +
                "oldMaster={}, syncStateSet={}, epoch={}, reason={}", config.id(), set.brokerName(),
                set.masterBrokerId(), set.syncStateSet(), set.masterEpoch() + 1, reason);
        }
        else if (!set.syncStateSet().contains(chosen))
        {
            LOG.error("UNCLEAN election: a replica outside the sync state set becomes master, acknowledged " +
                "messages may be lost: controller={}, brokerName={}, oldMaster={}, newMaster={}, syncStateSet={}, " +
                "epoch={}, reason={}", config.id(), set.brokerName(), set.masterBrokerId(), chosen,
                set.syncStateSet(), set.masterEpoch() + 1, reason);
        }
        else
        {
            LOG.warn("electing master: controller={}, brokerName={}, oldMaster={}, newMaster={}, epoch={}, " +
                "reason={}", config.id(), set.brokerName(), set.masterBrokerId(), chosen, set.masterEpoch() + 1,
                reason);
        }
    }

    private void decide(final ReplicaSetState set, final long chosen)
    {
        deciding.add(set.brokerName());
        final CompletableFuture<ReplicaSetState> decision = endpoint.submit(new Elect(set.brokerName(),
            set.masterEpoch(), chosen));
        decision.whenComplete((state, error) ->
        {
            deciding.remove(set.brokerName());
            if (error != null)
            {
                LOG.warn("master election not decided, will retry: controller={}, brokerName={}, error={}",
                    config.id(), set.brokerName(), error.toString());
            }
            else
            {
                LOG.info("master elected: controller={}, state={}", config.id(), state);
            }
        });
    }
}
