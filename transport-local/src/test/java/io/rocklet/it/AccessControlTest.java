package io.rocklet.it;

import io.rocklet.api.Admin;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.auth.Credentials;
import io.rocklet.api.auth.Operations;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.ControllerClient;
import io.rocklet.api.spi.ControllerService.ReplicaSetState;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.api.spi.RouterService.BrokerRegistration;
import io.rocklet.api.spi.RouterService.TopicRoute;
import io.rocklet.auth.Acl;
import io.rocklet.auth.AclFile;
import io.rocklet.controller.Controller;
import io.rocklet.controller.ControllerConfig;
import io.rocklet.embedded.EmbeddedRocklet;
import io.rocklet.store.ThreadingMode;
import io.rocklet.testkit.SpiCalls;
import io.rocklet.testkit.SpiCalls.Stubs;
import io.rocklet.transport.local.LocalTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Authentication and authorization through the local transport (no sockets): every operation with no, wrong,
 * expired and valid credentials, prefix and deny rules through the client API, a client trying to hijack the
 * router, and rules changed at run time.
 */
@Timeout(60)
class AccessControlTest
{
    static final Credentials APP = new Credentials("app", "app-secret");
    static final Credentials OPS = new Credentials("ops", "ops-secret");
    static final Credentials MEMBER = new Credentials("broker-auth", "member-secret");
    static final List<String> RULES = List.of(
        "user app kind=client secret=app-secret",
        "user ops kind=super secret=ops-secret",
        "user broker-auth kind=member secret=member-secret",
        "allow app Pub,Sub,Get topic:orders-*,group:billing",
        "deny app Pub topic:orders-audit");

    @TempDir
    Path directory;
    private final AtomicLong clockShiftMs = new AtomicLong();
    private Path rulesFile;
    private Acl acl;
    private EmbeddedRocklet rocklet;

    @BeforeEach
    void start()
    {
        rulesFile = directory.resolve("rules.acl");
        AclFile.write(rulesFile, AclFile.parse(RULES, "test"));
        acl = Acl.fromFile(rulesFile, () -> System.currentTimeMillis() + clockShiftMs.get(), Duration.ofMinutes(5));
        rocklet = EmbeddedRocklet.builder().name("auth")
            .accessControl(acl, MEMBER)
            .broker(b -> b.threadingMode(ThreadingMode.INVOKER)) // the test runs the agent (rules refresh)
            .client(c -> c.credentials(APP))
            .start();
    }

    @AfterEach
    void stop()
    {
        rocklet.close();
    }

    static Stream<String> operations()
    {
        return Operations.all().keySet().stream().filter(name -> !name.equals("brokerDisconnected")).sorted();
    }

    @Test
    void shouldHaveSampleCallOfEveryOperationWhenTestsRun()
    {
        assertEquals(operations().toList(), List.copyOf(SpiCalls.all().keySet()));
    }

    @ParameterizedTest
    @MethodSource("operations")
    void shouldRefuseOperationWhenCredentialsAreMissingWrongOrExpired(final String operation)
    {
        final Function<Stubs, CompletableFuture<?>> call = SpiCalls.all().get(operation);

        assertUnauthenticated(call.apply(stubs(null)), "no credentials");
        assertUnauthenticated(call.apply(stubs(new Credentials("ops", "wrong"))), "bad signature");
        assertUnauthenticated(call.apply(stubs(new Credentials("nobody", "x"))), "unknown access key");
        clockShiftMs.set(Duration.ofMinutes(6).toMillis());
        assertUnauthenticated(call.apply(stubs(OPS)), "expired signature");
    }

    @ParameterizedTest
    @MethodSource("operations")
    void shouldServeOperationWhenCredentialsAreValid(final String operation)
    {
        final boolean memberOnly = Operations.find(operation).scope() == Operations.Scope.MEMBER;

        final RockletException error = SpiCalls.error(SpiCalls.all().get(operation).apply(stubs(
            memberOnly ? MEMBER : OPS)));

        if (error != null)
        {
            assertNotEquals(ErrorCode.UNAUTHENTICATED, error.errorCode(), error.getMessage());
            assertNotEquals(ErrorCode.PERMISSION_DENIED, error.errorCode(), error.getMessage());
        }
    }

    @Test
    void shouldSendAndReadWhenPrefixPolicyAllowsAndRefusePubWhenDenyRuleMatches()
    {
        final Admin admin = rocklet.newClient(OPS).admin();
        admin.createTopic(TopicConfig.of("orders-eu", 2));
        admin.createTopic(TopicConfig.of("orders-audit", 2));
        admin.createTopic(TopicConfig.of("payments", 2));
        final Producer producer = rocklet.client().newProducer(ProducerConfig.builder("shop").build());

        assertNotNull(producer.send(Message.builder("orders-eu").body("ok").build()).messageId());
        assertDenied(() -> producer.send(Message.builder("orders-audit").body("no").build()),
            "action=Pub, resource=topic:orders-audit");
        assertDenied(() -> producer.send(Message.builder("payments").body("no").build()), "resource=topic:payments");
        assertDenied(() -> rocklet.client().admin().deleteTopic("orders-eu"), "permission denied");
    }

    @Test
    void shouldRefuseBrokerRegistrationWhenCallerIsClientAndKeepRoutes()
    {
        rocklet.newClient(OPS).admin().createTopic(TopicConfig.of("orders-eu", 2));
        final RouterService asApp = rocklet.transport().router(rocklet.router().address(), APP);
        final RouterService asOps = rocklet.transport().router(rocklet.router().address(), OPS);
        final TopicRoute before = asOps.queryRoute("orders-eu").join();
        final BrokerIdentity hijack = new BrokerIdentity(rocklet.broker().config().clusterName(),
            rocklet.broker().config().brokerName(), 0, "local://hijacked");
        final BrokerIdentity real = new BrokerIdentity(hijack.clusterName(), hijack.brokerName(), 0,
            rocklet.broker().address());

        for (final RouterService stub : List.of(asApp, asOps))
        {
            final RockletException e = SpiCalls.error(stub.registerBroker(new BrokerRegistration(hijack,
                List.of(TopicConfig.of("orders-eu", 8)), Long.MAX_VALUE)));
            assertEquals(ErrorCode.PERMISSION_DENIED, e.errorCode(), e.getMessage());
            assertFalse(e.retriable());
            assertEquals(ErrorCode.PERMISSION_DENIED, SpiCalls.error(stub.unregisterBroker(real)).errorCode());
        }

        assertEquals(before, asOps.queryRoute("orders-eu").join());
        assertEquals(rocklet.broker().address(), asOps.queryRoute("orders-eu").join().brokers().get(0)
            .masterAddress());
    }

    @Test
    void shouldApplyChangedRulesWhenBrokerAgentRunsWithoutRestart() throws IOException
    {
        final Admin admin = rocklet.newClient(OPS).admin();
        admin.createTopic(TopicConfig.of("payments", 2));
        final BrokerService asApp = rocklet.transport().broker(rocklet.broker().address(), APP);
        final Message message = Message.builder("payments").body("x").build();
        assertEquals(ErrorCode.PERMISSION_DENIED, SpiCalls.error(asApp.send(new BrokerService.SendRequest("p", "c",
            message, 0, 1, 0))).errorCode());

        final List<String> changed = new ArrayList<>(RULES);
        changed.add("allow app Pub topic:payments");
        Files.write(rulesFile, changed, StandardCharsets.UTF_8);
        clockShiftMs.addAndGet(Acl.FILE_CHECK_INTERVAL.toMillis()); // the refresh is due
        rocklet.broker().doWork();

        assertNull(SpiCalls.error(asApp.send(new BrokerService.SendRequest("p", "c", message, 0, 1, 0))));
    }

    @Test
    void shouldServeControllerToMembersOnlyWhenServedWithAccessControl() throws Exception
    {
        final int raftPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0))
        {
            raftPort = socket.getLocalPort();
        }
        final String address = "local://controller-auth";
        try (Controller controller = Controller.start(ControllerConfig.builder("c1").peer("c1", "127.0.0.1:" +
            raftPort).dataDirectory(directory.resolve("controller")).serviceAddress(address).accessControl(acl)
            .build(), rocklet.transport()))
        {
            final BrokerIdentity replica = new BrokerIdentity("c", "rs-auth", 1, "local://rs-auth-1");

            final RockletException denied = SpiCalls.error(rocklet.transport().controller(address, APP)
                .registerReplica(replica));
            final RockletException unsigned = SpiCalls.error(rocklet.transport().controller(address)
                .registerReplica(replica));
            final ReplicaSetState registered = new ControllerClient(rocklet.transport(), List.of(address), 100,
                Duration.ofMillis(100), MEMBER).registerReplica(replica).get(30, java.util.concurrent.TimeUnit.SECONDS);

            assertEquals(ErrorCode.PERMISSION_DENIED, denied.errorCode(), denied.getMessage());
            assertTrue(denied.getMessage().contains("operation=controller.registerReplica"), denied.getMessage());
            assertEquals(ErrorCode.UNAUTHENTICATED, unsigned.errorCode(), unsigned.getMessage());
            assertEquals(1, registered.masterBrokerId());
        }
    }

    @Test
    void shouldCallEverythingWhenAccessControlIsOff()
    {
        try (EmbeddedRocklet open = EmbeddedRocklet.builder().name("open").start())
        {
            final LocalTransport transport = open.transport();
            final Stubs stubs = new Stubs(transport.broker(open.broker().address()),
                transport.router(open.router().address()), new BrokerIdentity("c", "b", 0, "local://b"));

            assertNull(SpiCalls.error(SpiCalls.all().get("createOrUpdateTopic").apply(stubs)));
            assertNull(SpiCalls.error(SpiCalls.all().get("send").apply(stubs)));
        }
    }

    private Stubs stubs(final Credentials credentials)
    {
        final LocalTransport transport = rocklet.transport();
        return new Stubs(transport.broker(rocklet.broker().address(), credentials),
            transport.router(rocklet.router().address(), credentials),
            new BrokerIdentity(rocklet.broker().config().clusterName(), rocklet.broker().config().brokerName(), 0,
                rocklet.broker().address()));
    }

    private static void assertUnauthenticated(final CompletableFuture<?> call, final String reason)
    {
        final RockletException e = SpiCalls.error(call);
        assertNotNull(e, "the call succeeded");
        assertEquals(ErrorCode.UNAUTHENTICATED, e.errorCode(), e.getMessage());
        assertTrue(e.getMessage().contains("reason=" + reason), e.getMessage());
    }

    private static void assertDenied(final Runnable call, final String part)
    {
        final RockletException e = assertThrows(RockletException.class, call::run);
        assertEquals(ErrorCode.PERMISSION_DENIED, e.errorCode(), e.getMessage());
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
