package io.rocklet.broker.internal;

import io.rocklet.api.agent.HostedAgent;
import io.rocklet.api.auth.AccessControl;
import io.rocklet.store.MessageStore;
import org.agrona.concurrent.NanoClock;

import java.util.List;
import java.util.function.IntSupplier;
import java.util.concurrent.TimeUnit;

/**
 * The broker's one agent: answers held pulls whose deadline passed, runs recalls ({@link RecallService}), delivers
 * delayed messages that are due (each {@link DelayedDelivery}), persists consumer and delay offsets, expires silent
 * clients and stale queue locks, keeps the registration with the routers fresh, lets the access control pick up
 * changed rules (a watched rules file); on a master, answers slaves' fetches whose wait ended and fails SYNC sends not
 * replicated in time. When the store runs in INVOKER mode, the agent also runs the
 * store's duty cycle first. Each step runs when its interval on the injected nano clock is due.
 */
public final class BrokerAgent implements HostedAgent
{
    /** How often silent clients and stale locks are looked for. */
    static final long LIVENESS_CHECK_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    private final String roleName;
    private final MessageStore storeToRun;
    private final PullService pulls;
    private final DelayedDelivery[] deliveries;
    private final RecallService recalls;
    private final OffsetTable offsets;
    private final SubscriptionTable subscriptions;
    private final ConsumerGroups groups;
    private final QueueLocks locks;
    private final RouterRegistrar registrar;
    private final AccessControl accessControl;
    private final IntSupplier replication;
    private final NanoClock nanoClock;
    private final long persistIntervalNs;
    private long nextPersistNs;
    private long nextLivenessCheckNs;

    /**
     * @param storeToRun the store, when the agent runs its duty cycle (INVOKER store); else null.
     */
    public BrokerAgent(final String brokerName, final MessageStore storeToRun, final PullService pulls,
        final List<DelayedDelivery> deliveries, final RecallService recalls, final OffsetTable offsets,
        final SubscriptionTable subscriptions, final ConsumerGroups groups, final QueueLocks locks,
        final RouterRegistrar registrar, final AccessControl accessControl, final IntSupplier replication,
        final NanoClock nanoClock, final long persistIntervalNs)
    {
        this.accessControl = accessControl;
        this.replication = replication;
        this.roleName = "rocklet-broker-" + brokerName;
        this.storeToRun = storeToRun;
        this.pulls = pulls;
        this.deliveries = deliveries.toArray(new DelayedDelivery[0]);
        this.recalls = recalls;
        this.offsets = offsets;
        this.subscriptions = subscriptions;
        this.groups = groups;
        this.locks = locks;
        this.registrar = registrar;
        this.nanoClock = nanoClock;
        this.persistIntervalNs = persistIntervalNs;
        final long nowNs = nanoClock.nanoTime();
        this.nextPersistNs = nowNs + persistIntervalNs;
        this.nextLivenessCheckNs = nowNs + LIVENESS_CHECK_INTERVAL_NS;
    }

    @Override
    public int doWork()
    {
        return runStore() + expireHeldPulls() + recalls.runRecalls() + deliverDueMessages() + replicate() +
            persistOffsets() + expireClientsAndLocks() + registerWithRouters() + refreshAccessRules();
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    private int runStore()
    {
        return storeToRun == null ? 0 : storeToRun.doWork();
    }

    private int replicate()
    {
        return replication.getAsInt();
    }

    private int expireHeldPulls()
    {
        return pulls.expire();
    }

    private int deliverDueMessages()
    {
        int work = 0;
        for (final DelayedDelivery delivery : deliveries)
        {
            work += delivery.deliverDue();
        }
        return work;
    }

    private int persistOffsets()
    {
        final long nowNs = nanoClock.nanoTime();
        if (nowNs - nextPersistNs < 0)
        {
            return 0;
        }
        nextPersistNs = nowNs + persistIntervalNs;
        int work = offsets.persist() + subscriptions.persist();
        for (final DelayedDelivery delivery : deliveries)
        {
            work += delivery.persist();
        }
        return work;
    }

    private int expireClientsAndLocks()
    {
        final long nowNs = nanoClock.nanoTime();
        if (nowNs - nextLivenessCheckNs < 0)
        {
            return 0;
        }
        nextLivenessCheckNs = nowNs + LIVENESS_CHECK_INTERVAL_NS;
        return groups.expire(nowNs) + locks.expire(nowNs);
    }

    private int refreshAccessRules()
    {
        return accessControl.refresh();
    }

    private int registerWithRouters()
    {
        return registrar.registerIfDue();
    }
}
