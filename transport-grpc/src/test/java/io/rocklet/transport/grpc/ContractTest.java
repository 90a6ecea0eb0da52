package io.rocklet.transport.grpc;

import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.ControllerService;
import io.rocklet.api.spi.RouterService;
import io.rocklet.transport.grpc.proto.BrokerGrpc;
import io.rocklet.transport.grpc.proto.ControllerGrpc;
import io.rocklet.transport.grpc.proto.RouterGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The protobuf services carry the SPI one rpc per method (same name, capitalized), plus the transport's own rpcs
 * (listed here), so that a method added to the SPI without its rpc, or an rpc without its method, fails here; and the
 * servers bind every rpc.
 */
@Timeout(30)
class ContractTest
{
    /** Rpcs of the transport itself: {@code Subscribe} serves {@code pull} as a stream. */
    private static final Set<String> BROKER_TRANSPORT_RPCS = Set.of("Subscribe");

    @Test
    void shouldHaveOneRpcPerRouterServiceMethod()
    {
        final Set<String> expected = rpcNamesOf(RouterService.class);
        expected.addAll(accessRpcs());
        assertEquals(expected, rpcNames(RouterGrpc.getServiceDescriptor()));
    }

    @Test
    void shouldHaveOneRpcPerBrokerServiceMethodBesidesTheTransportsOwn()
    {
        final Set<String> expected = rpcNamesOf(BrokerService.class);
        expected.addAll(BROKER_TRANSPORT_RPCS);
        // the replication calls have default methods (a broker service that does not replicate refuses them)
        expected.addAll(Set.of("FetchReplica", "FetchReplicaMetadata"));
        expected.addAll(accessRpcs());
        assertEquals(expected, rpcNames(BrokerGrpc.getServiceDescriptor()));
    }

    @Test
    void shouldHaveOneRpcPerControllerServiceMethod()
    {
        assertEquals(rpcNamesOf(ControllerService.class), rpcNames(ControllerGrpc.getServiceDescriptor()));
    }

    @Test
    void shouldBindEveryRpcWhenServing()
    {
        assertNotNull(RouterHandlers.definition(FakeRouter.create()));
        assertNotNull(ControllerHandlers.definition((ControllerService)java.lang.reflect.Proxy.newProxyInstance(
            ControllerService.class.getClassLoader(), new Class<?>[] {ControllerService.class},
            (proxy, method, args) ->
            {
                throw new UnsupportedOperationException(method.getName());
            })));
        try (TransportThreads threads = new TransportThreads(1, 1))
        {
            assertNotNull(new BrokerHandlers(FakeBroker.create().build(), "grpc://127.0.0.1:1", threads)
                .definition());
        }
    }

    /**
     * @return the rpcs of the users-and-policies operations both services inherit (default methods of
     *     {@link io.rocklet.api.spi.AccessService}: a service that does not manage access refuses them).
     */
    private static Set<String> accessRpcs()
    {
        return Arrays.stream(io.rocklet.api.spi.AccessService.class.getDeclaredMethods())
            .filter(method -> !Modifier.isStatic(method.getModifiers()) && !method.isSynthetic() &&
                !Modifier.isPrivate(method.getModifiers()))
            .map(Method::getName)
            .map(name -> Character.toUpperCase(name.charAt(0)) + name.substring(1))
            .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> rpcNamesOf(final Class<?> spi)
    {
        return Arrays.stream(spi.getDeclaredMethods())
            .filter(method -> Modifier.isAbstract(method.getModifiers()))
            .map(Method::getName)
            .map(name -> Character.toUpperCase(name.charAt(0)) + name.substring(1))
            .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> rpcNames(final ServiceDescriptor service)
    {
        return service.getMethods().stream()
            .map(MethodDescriptor::getBareMethodName)
            .collect(Collectors.toCollection(TreeSet::new));
    }

    /** A router that is never called. */
    private static final class FakeRouter
    {
        static RouterService create()
        {
            return (RouterService) java.lang.reflect.Proxy.newProxyInstance(RouterService.class.getClassLoader(),
                new Class<?>[] {RouterService.class}, (proxy, method, args) ->
                {
                    throw new UnsupportedOperationException(method.getName());
                });
        }
    }
}
