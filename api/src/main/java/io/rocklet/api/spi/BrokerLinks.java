package io.rocklet.api.spi;

import io.rocklet.api.spi.RouterService.BrokerIdentity;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * For transports that serve a router: which brokers registered over which link (a network connection, the binding
 * of an in-JVM broker), so that the router hears {@link RouterService#brokerDisconnected} once no live link of a
 * broker is left. A broker may register over several links at once (two connections, a reconnect before the old
 * connection is seen closed): it is reported only when the last one closes. One instance per served router.
 *
 * <p>Thread-safe: every method holds the instance's monitor; the router is told outside of it.
 *
 * @param <L> what identifies a link; compared with {@code equals}.
 */
public final class BrokerLinks<L>
{
    private final RouterService router;
    private final Map<L, Set<BrokerIdentity>> brokersByLink = new HashMap<>();
    private final Map<BrokerIdentity, Set<L>> linksByBroker = new HashMap<>();

    /**
     * @param router the served router to tell.
     */
    public BrokerLinks(final RouterService router)
    {
        this.router = router;
    }

    /**
     * Records that {@code broker} registered over {@code link}. A caller that cannot exclude that the link closed
     * meanwhile checks afterwards and calls {@link #closed(Object)} again.
     *
     * @return true when the link is new to this instance (the caller then arranges to call {@link #closed} when it
     *     closes).
     */
    public synchronized boolean registered(final L link, final BrokerIdentity broker)
    {
        final boolean newLink = !brokersByLink.containsKey(link);
        brokersByLink.computeIfAbsent(link, l -> new HashSet<>()).add(broker);
        linksByBroker.computeIfAbsent(broker, b -> new HashSet<>()).add(link);
        return newLink;
    }

    /**
     * Forgets {@code link} and tells the router about every broker that registered over it and has no other link
     * left. Idempotent.
     */
    public void closed(final L link)
    {
        final List<BrokerIdentity> lost;
        synchronized (this)
        {
            final Set<BrokerIdentity> brokers = brokersByLink.remove(link);
            if (brokers == null)
            {
                return;
            }
            lost = brokers.stream().filter(broker -> lastLinkClosed(broker, link)).toList();
        }
        lost.forEach(router::brokerDisconnected);
    }

    /**
     * @return how many links brokers registered over are open (diagnostics, tests).
     */
    public synchronized int links()
    {
        return brokersByLink.size();
    }

    private boolean lastLinkClosed(final BrokerIdentity broker, final L link)
    {
        final Set<L> links = linksByBroker.get(broker);
        if (links == null)
        {
            return true;
        }
        links.remove(link);
        if (links.isEmpty())
        {
            linksByBroker.remove(broker);
            return true;
        }
        return false;
    }
}
