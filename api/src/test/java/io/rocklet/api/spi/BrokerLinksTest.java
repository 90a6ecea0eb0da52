package io.rocklet.api.spi;

import io.rocklet.api.spi.RouterService.BrokerIdentity;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BrokerLinksTest
{
    private static final BrokerIdentity A = new BrokerIdentity("c1", "broker-a", 0, "x://a");
    private static final BrokerIdentity B = new BrokerIdentity("c1", "broker-b", 0, "x://b");

    private final List<BrokerIdentity> disconnected = new ArrayList<>();
    private final BrokerLinks<String> links = new BrokerLinks<>(recordingRouter());

    @Test
    void shouldReportEveryBrokerOfALinkWhenItsOnlyLinkCloses()
    {
        assertTrue(links.registered("conn-1", A));
        assertFalse(links.registered("conn-1", A), "a heartbeat over the same link");
        links.registered("conn-1", B);

        links.closed("conn-1");
        links.closed("conn-1");

        assertEquals(List.of(A, B), disconnected.stream().sorted((x, y) -> x.brokerName().compareTo(y.brokerName()))
            .toList());
        assertEquals(0, links.links());
    }

    @Test
    void shouldReportABrokerOnlyWhenItsLastLinkClosesWhenItRegisteredOverSeveral()
    {
        links.registered("conn-1", A);
        links.registered("conn-2", A);

        links.closed("conn-1");
        assertEquals(List.of(), disconnected, "conn-2 is still open");

        links.closed("conn-2");
        assertEquals(List.of(A), disconnected);
    }

    @Test
    void shouldReportABrokerAgainWhenItRegisteredOverANewLinkThatClosed()
    {
        links.registered("conn-1", A);
        links.closed("conn-1");
        links.registered("conn-2", A);
        links.closed("conn-2");

        assertEquals(List.of(A, A), disconnected);
    }

    private RouterService recordingRouter()
    {
        return (RouterService) Proxy.newProxyInstance(RouterService.class.getClassLoader(),
            new Class<?>[] {RouterService.class}, (proxy, method, args) ->
            {
                if (method.getName().equals("brokerDisconnected"))
                {
                    disconnected.add((BrokerIdentity) args[0]);
                    return null;
                }
                throw new UnsupportedOperationException(method.getName());
            });
    }
}
