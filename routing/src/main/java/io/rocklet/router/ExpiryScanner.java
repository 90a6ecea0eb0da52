package io.rocklet.router;

import io.rocklet.api.agent.HostedAgent;
import io.rocklet.api.auth.AccessControl;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The router's agent: every scan interval, removes the brokers that have not registered within the expiry; lets the
 * access control pick up changed rules (a watched rules file).
 * Owned by the router's scan thread (or, in INVOKER mode, by the caller of {@link Router#doWork()}).
 */
final class ExpiryScanner implements HostedAgent
{
    private static final Logger LOG = LoggerFactory.getLogger(ExpiryScanner.class);

    private final BrokerTable table;
    private final EpochClock clock;
    private final long expiryMs;
    private final long scanIntervalMs;
    private final String roleName;
    private final AccessControl accessControl;
    private long nextScanMs;

    ExpiryScanner(final BrokerTable table, final RouterConfig config, final String roleName)
    {
        this.table = table;
        this.clock = config.clock();
        this.expiryMs = config.brokerExpiry().toMillis();
        this.scanIntervalMs = config.scanInterval().toMillis();
        this.roleName = roleName;
        this.accessControl = config.accessControl();
    }

    @Override
    public int doWork()
    {
        return scanExpiredBrokers() + accessControl.refresh();
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    private int scanExpiredBrokers()
    {
        final long nowMs = clock.time();
        if (nowMs < nextScanMs)
        {
            return 0;
        }
        nextScanMs = nowMs + scanIntervalMs;
        final List<BrokerIdentity> expired = table.expire(nowMs, expiryMs);
        for (final BrokerIdentity broker : expired)
        {
            LOG.warn("broker expired: router={}, cluster={}, brokerName={}, brokerId={}, address={}, expiryMs={}",
                roleName, broker.clusterName(), broker.brokerName(), broker.brokerId(), broker.address(), expiryMs);
        }
        return 1 + expired.size();
    }
}
