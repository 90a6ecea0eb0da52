package io.rocklet.api.auth;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.RouterService;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

class OperationsTest
{
    @Test
    void shouldListEveryMethodOfTheServiceContractsWhenTableIsBuilt()
    {
        final Set<String> missing = new TreeSet<>();
        final Set<String> methods = new TreeSet<>();
        for (final Class<?> contract : List.of(BrokerService.class, RouterService.class))
        {
            for (final Method method : contract.getMethods())
            {
                if (Modifier.isStatic(method.getModifiers()))
                {
                    continue;
                }
                methods.add(method.getName());
                if (Operations.find(method.getName()) == null)
                {
                    missing.add(contract.getSimpleName() + "." + method.getName());
                }
            }
        }
        assertEquals(Set.of(), missing, "operations missing from io.rocklet.api.auth.Operations");
        assertEquals(methods, new TreeSet<>(Operations.all().keySet()), "the table lists only real operations");
    }

    @Test
    void shouldReadTopicFromSendRequestWhenResourceIsAsked()
    {
        final var send = new BrokerService.SendRequest("p", "c", Message.builder("orders").body("x").build(), 0, 1,
            0);

        final Operations.Operation operation = Operations.find("send");

        assertEquals(List.of(Resource.topic("orders")), operation.resourcesOf(new Object[] {send}));
        assertEquals(List.of(Action.PUB), operation.actions());
    }

    @Test
    void shouldRefuseCallWithClearErrorWhenArgumentsLackTheResource()
    {
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
            () -> Operations.find("pull").resourcesOf(new Object[] {null}));

        assertTrue(e.getMessage().contains("operation=pull"), e.getMessage());
    }

    @Test
    void shouldKeepBrokerRegistrationForClusterMembersWhenTableIsBuilt()
    {
        assertEquals(Operations.Scope.MEMBER, Operations.find("registerBroker").scope());
        assertEquals(Operations.Scope.MEMBER, Operations.find("unregisterBroker").scope());
        assertEquals(Operations.Scope.INTERNAL, Operations.find("brokerDisconnected").scope());
    }

    @Test
    void shouldListEveryControllerMethodAndLetOnlyMembersChangeStateWhenTableIsBuilt()
    {
        final Set<String> methods = new TreeSet<>();
        for (final Method method : io.rocklet.api.spi.ControllerService.class.getMethods())
        {
            if (!Modifier.isStatic(method.getModifiers()))
            {
                methods.add(ControllerOperations.operation(method.getName()));
            }
        }

        assertEquals(methods, new TreeSet<>(ControllerOperations.all().keySet()));
        for (final String change : List.of("registerReplica", "heartbeat", "alterSyncStateSet", "electMaster"))
        {
            final String name = Operations.operationOf(io.rocklet.api.spi.ControllerService.class, change);
            assertEquals(Operations.Scope.MEMBER, Operations.find(name).scope(), name);
        }
        assertEquals(List.of(Action.GET), Operations.find("controller.replicaSet").actions());
        assertEquals(Operations.Scope.MEMBER_OR_POLICY, Operations.find("controller.replicaSet").scope());
        assertEquals(Operations.Scope.POLICY, Operations.find("heartbeat").scope(), "a client's heartbeat stays");
    }
}
