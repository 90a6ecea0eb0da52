package io.rocklet.transport.grpc;

import io.rocklet.api.ClientConfig;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.RockletClient;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.auth.AccessAdmin;
import io.rocklet.api.auth.Action;
import io.rocklet.api.auth.Credentials;
import io.rocklet.api.auth.Policy;
import io.rocklet.api.auth.ResourcePattern;
import io.rocklet.api.auth.SourceRange;
import io.rocklet.api.auth.User;
import io.rocklet.api.auth.UserInfo;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.auth.Acl;
import io.rocklet.auth.AclFile;
import io.rocklet.broker.Broker;
import io.rocklet.broker.BrokerConfig;
import io.rocklet.client.RockletClients;
import io.rocklet.router.Router;
import io.rocklet.router.RouterConfig;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.ThreadingMode;
import io.rocklet.testkit.SpiCalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Users and policies managed through the Admin API over gRPC: the router and the broker each keep their own rules
 * file; a grant takes effect on the next call, a deleted user's next call is UNAUTHENTICATED, a client without Admin
 * is PERMISSION_DENIED, and policies travel whole (actions, patterns, source ranges).
 */
@Timeout(60)
class GrpcAccessManagementTest
{
    private static final Credentials APP = new Credentials("app", "app-secret");
    private static final Credentials OPS = new Credentials("ops", "ops-secret");
    private static final Credentials MEMBER = new Credentials("broker-1", "member-secret");
    private static final List<String> RULES = List.of(
        "user app kind=client secret=app-secret",
        "user ops kind=super secret=ops-secret",
        "user broker-1 kind=member secret=member-secret",
        "allow app Pub,Sub topic:orders-*,group:billing");

    @TempDir
    Path directory;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private Path brokerRules;
    private Path routerRules;
    private GrpcTransport client;
    private Router router;
    private Broker broker;

    @BeforeEach
    void start()
    {
        brokerRules = directory.resolve("broker.acl");
        routerRules = directory.resolve("router.acl");
        AclFile.write(brokerRules, AclFile.parse(RULES, "test"));
        AclFile.write(routerRules, AclFile.parse(RULES, "test"));
        final GrpcTransport server = GrpcTransport.create(TestTls.plaintext().build());
        closing.add(server);
        client = GrpcTransport.create(TestTls.plaintext().build());
        closing.add(client);
        router = Router.start(RouterConfig.builder(server.listen("grpc://127.0.0.1:0").address())
            .accessControl(Acl.fromFile(routerRules)).build(), server);
        closing.add(router);
        broker = Broker.start(BrokerConfig.builder().brokerName("b1").address("grpc://127.0.0.1:0")
            .routers(router.address())
            .storeConfig(StoreConfig.ephemeralBuilder().threadingMode(ThreadingMode.SHARED).build())
            .accessControl(Acl.fromFile(brokerRules)).credentials(MEMBER).build(), server);
        closing.add(broker);
        Await.until(() -> router.clusterInfo().join().brokers().values().stream()
            .anyMatch(route -> broker.address().equals(route.masterAddress())), () -> "broker not registered");
        newClient(OPS).admin().createTopic(TopicConfig.of("payments", 2));
    }

    @AfterEach
    void stop() throws Exception
    {
        for (int i = closing.size() - 1; i >= 0; i--)
        {
            closing.get(i).close();
        }
    }

    @Test
    void shouldAllowNextCallWhenPolicyIsGrantedAtRunTime()
    {
        final BrokerService asApp = client.broker(broker.address(), APP);
        assertEquals(ErrorCode.PERMISSION_DENIED, SpiCalls.error(send(asApp)).errorCode());
        final AccessAdmin access = newClient(OPS).admin().brokerAccess(broker.address());
        final List<Policy> policies = new ArrayList<>(access.policies().stream()
            .filter(p -> p.user().equals("app")).toList());
        policies.add(policy("app", Set.of(Action.PUB), "topic:payments"));

        access.putPolicies("app", policies);

        assertNull(SpiCalls.error(send(asApp)));
        assertEquals(policies, Acl.fromFile(brokerRules).rules().policies().stream()
            .filter(p -> p.user().equals("app")).toList(), "persisted to the broker's rules file");
    }

    @Test
    void shouldRefuseNextCallAsUnauthenticatedWhenUserIsDeleted()
    {
        final AccessAdmin access = newClient(OPS).admin().brokerAccess(broker.address());
        access.createUser(User.withSecret("temp", User.Kind.SUPER, "temp-secret"));
        final BrokerService asTemp = client.broker(broker.address(), new Credentials("temp", "temp-secret"));
        assertNull(SpiCalls.error(send(asTemp)));

        access.deleteUser("temp");

        final RockletException e = SpiCalls.error(send(asTemp));
        assertEquals(ErrorCode.UNAUTHENTICATED, e.errorCode(), e.getMessage());
    }

    @Test
    void shouldRefuseManagementWithPermissionDeniedWhenClientLacksAdmin()
    {
        final RockletClient app = newClient(APP);

        for (final AccessAdmin access : List.of(app.admin().brokerAccess(broker.address()),
            app.admin().routerAccess(router.address())))
        {
            final RockletException e = assertThrows(RockletException.class,
                () -> access.putPolicies("app", List.of(policy("app", EnumSet.allOf(Action.class), "*"))));
            assertEquals(ErrorCode.PERMISSION_DENIED, e.errorCode(), e.getMessage());
            assertFalse(e.retriable());
        }
    }

    @Test
    void shouldKeepRouterRulesApartWhenRouterIsManaged()
    {
        final AccessAdmin routerAccess = newClient(OPS).admin().routerAccess(router.address());
        final Policy whole = new Policy("cert", Policy.Effect.DENY, Set.of(Action.GET, Action.LIST),
            List.of(ResourcePattern.parse("topic:orders-*"), ResourcePattern.parse("cluster")),
            List.of(SourceRange.parse("10.0.0.0/8"), SourceRange.parse("127.0.0.1")));

        routerAccess.createUser(User.withCertificate("cert", User.Kind.CLIENT, "CN=cert,O=Acme"));
        routerAccess.putPolicies("cert", List.of(whole));

        assertTrue(routerAccess.users().contains(new UserInfo("cert", User.Kind.CLIENT, "CN=cert,O=Acme", false)));
        assertTrue(routerAccess.users().contains(new UserInfo("ops", User.Kind.SUPER, null, true)));
        assertEquals(List.of(whole), routerAccess.policies().stream().filter(p -> p.user().equals("cert")).toList());
        assertTrue(newClient(OPS).admin().brokerAccess(broker.address()).users().stream()
            .noneMatch(u -> u.name().equals("cert")), "the broker keeps its own rules");
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
            () -> routerAccess.deleteUser("nobody"));
        assertTrue(e.getMessage().contains("no such user: user=nobody"), e.getMessage());
    }

    private RockletClient newClient(final Credentials credentials)
    {
        final RockletClient created = RockletClients.create(ClientConfig.builder().routers(router.address())
            .credentials(credentials).build(), client);
        closing.add(created);
        return created;
    }

    private static CompletableFuture<?> send(final BrokerService broker)
    {
        return broker.send(new BrokerService.SendRequest("p", "c", Message.builder("payments").body("x").build(), 0,
            1, 0));
    }

    private static Policy policy(final String user, final Set<Action> actions, final String resource)
    {
        return new Policy(user, Policy.Effect.ALLOW, actions, List.of(ResourcePattern.parse(resource)), List.of());
    }
}
