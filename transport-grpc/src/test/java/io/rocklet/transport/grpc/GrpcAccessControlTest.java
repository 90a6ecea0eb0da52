package io.rocklet.transport.grpc;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.rocklet.api.ClientConfig;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.auth.Credentials;
import io.rocklet.api.auth.Operations;
import io.rocklet.api.auth.SignedCall;
import io.rocklet.api.auth.Signer;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.api.spi.RouterService.BrokerRegistration;
import io.rocklet.api.spi.RouterService.TopicRoute;
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
import io.rocklet.testkit.SpiCalls.Stubs;
import io.rocklet.transport.grpc.proto.BrokerGrpc;
import io.rocklet.transport.grpc.proto.BrokerProto;
import io.rocklet.transport.grpc.proto.RouterGrpc;
import io.rocklet.transport.grpc.proto.RouterProto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Access control over gRPC: the server interceptor authenticates every rpc (signed header or client certificate),
 * the authorizing view checks the operation table, exactly as the local transport does.
 */
@Timeout(60)
class GrpcAccessControlTest
{
    private static final Credentials APP = new Credentials("app", "app-secret");
    private static final Credentials OPS = new Credentials("ops", "ops-secret");
    private static final Credentials MEMBER = new Credentials("broker-1", "member-secret");
    private static final List<String> RULES = List.of(
        "user app kind=client secret=app-secret",
        "user ops kind=super secret=ops-secret",
        "user broker-1 kind=member secret=member-secret",
        "user tls-client kind=super subject=CN=rocklet-test-client",
        "user tls-node kind=member subject=CN=localhost",
        "allow app Pub,Sub topic:orders-*,group:billing",
        "deny app Pub topic:orders-audit");

    @TempDir
    Path directory;
    private final AtomicLong clockShiftMs = new AtomicLong();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private GrpcTransport server;
    private GrpcTransport client;
    private Router router;
    private Broker broker;

    @AfterEach
    void stop() throws Exception
    {
        for (int i = closing.size() - 1; i >= 0; i--)
        {
            closing.get(i).close();
        }
    }

    static Stream<String> operations()
    {
        return Operations.all().keySet().stream().filter(name -> !name.equals("brokerDisconnected")).sorted();
    }

    @ParameterizedTest
    @MethodSource("operations")
    void shouldRefuseRpcWhenCredentialsAreMissingWrongOrExpiredAndServeItWhenValid(final String operation)
    {
        start(TestTls.plaintext().build(), TestTls.plaintext().build(), MEMBER);
        if (operation.equals("watchGroup"))
        {
            assertWatchRefusedWithoutCredentials(); // a watch stub renews itself: refusals do not reach its caller
            return;
        }
        if (operation.equals("watchTransactionChecks"))
        {
            assertCheckWatchRefusedWithoutCredentials(); // the same for the producers' check stream
            return;
        }
        final var call = SpiCalls.all().get(operation);

        assertUnauthenticated(call.apply(stubs(null)), "no credentials");
        assertUnauthenticated(call.apply(stubs(new Credentials("ops", "wrong"))), "bad signature");
        assertUnauthenticated(call.apply(stubs(new Credentials("nobody", "x"))), "unknown access key");
        final boolean memberOnly = Operations.find(operation).scope() == Operations.Scope.MEMBER;
        final RockletException valid = SpiCalls.error(call.apply(stubs(memberOnly ? MEMBER : OPS)));
        assertTrue(valid == null || (valid.errorCode() != ErrorCode.UNAUTHENTICATED &&
            valid.errorCode() != ErrorCode.PERMISSION_DENIED), () -> String.valueOf(valid));
        clockShiftMs.set(Duration.ofMinutes(6).toMillis());
        assertUnauthenticated(call.apply(stubs(OPS)), "expired signature");
    }

    @Test
    void shouldEndGroupWatchAndReportRefusalWhenCallerMayNotWatchTheGroup() throws Exception
    {
        start(TestTls.plaintext().build(), TestTls.plaintext().build(), MEMBER);

        for (final Credentials credentials : java.util.Arrays.asList(APP, null))
        {
            final var watch = (StreamWatch<?, ?, ?>)client.broker(broker.address(), credentials).watchGroup(SpiCalls.GROUP,
                "c", event -> { });
            closing.add(watch::close);

            final var failure = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> watch.failure().get(30, java.util.concurrent.TimeUnit.SECONDS));

            final ErrorCode code = ((RockletException)failure.getCause()).errorCode();
            assertEquals(credentials == null ? ErrorCode.UNAUTHENTICATED : ErrorCode.PERMISSION_DENIED, code);
            assertFalse(watch.active(), "a refused watch is not renewed");
        }
    }

    @Test
    void shouldRefuseBrokerRegistrationWhenCallerIsClientAndKeepRoutes()
    {
        start(TestTls.plaintext().build(), TestTls.plaintext().build(), MEMBER);
        final RouterService asApp = client.router(router.address(), APP);
        final RouterService asOps = client.router(router.address(), OPS);
        client.broker(broker.address(), OPS).createOrUpdateTopic(TopicConfig.of("orders-eu", 2)).join();
        awaitRoute(asOps, "orders-eu");
        final TopicRoute before = asOps.queryRoute("orders-eu").join();
        final BrokerIdentity hijack = new BrokerIdentity(broker.config().clusterName(), broker.config().brokerName(),
            0, "grpc://127.0.0.1:1");

        final RockletException e = SpiCalls.error(asApp.registerBroker(new BrokerRegistration(hijack,
            List.of(TopicConfig.of("orders-eu", 8)), Long.MAX_VALUE)));

        assertEquals(ErrorCode.PERMISSION_DENIED, e.errorCode(), e.getMessage());
        assertTrue(e.getMessage().contains("cluster members only"), e.getMessage());
        assertEquals(before, asOps.queryRoute("orders-eu").join());
    }

    @Test
    void shouldRefuseSignatureWhenReplayed()
    {
        start(TestTls.plaintext().build(), TestTls.plaintext().build(), MEMBER);
        final SignedCall signed = new Signer(OPS).sign(RouterGrpc.getClusterInfoMethod().getFullMethodName());
        final Metadata headers = new Metadata();
        headers.put(AuthInterceptor.HEADER, signed.header());
        final GrpcAddress address = GrpcAddress.parse(router.address());
        final ManagedChannel channel = NettyChannelBuilder.forAddress(address.host(), address.port()).usePlaintext()
            .build();
        closing.add(channel::shutdownNow);
        final RouterGrpc.RouterBlockingStub stub = RouterGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));

        stub.clusterInfo(RouterProto.ClusterInfoRequest.getDefaultInstance());
        final StatusRuntimeException replay = assertThrows(StatusRuntimeException.class,
            () -> stub.clusterInfo(RouterProto.ClusterInfoRequest.getDefaultInstance()));

        assertEquals(io.grpc.Status.Code.UNAUTHENTICATED, replay.getStatus().getCode());
        assertTrue(replay.getStatus().getDescription().contains("replayed nonce"), replay.getStatus().toString());
        assertEquals("UNAUTHENTICATED", replay.getTrailers().get(StatusErrors.ERROR_CODE));
    }

    @Test
    void shouldProduceAndConsumeOverStreamsWhenPoliciesAllowAndRefuseDeniedTopic() throws InterruptedException
    {
        start(TestTls.plaintext().build(), TestTls.plaintext().streamingPull(true).build(), MEMBER);
        client.broker(broker.address(), OPS).createOrUpdateTopic(TopicConfig.of("orders-eu", 2)).join();
        client.broker(broker.address(), OPS).createOrUpdateTopic(TopicConfig.of("orders-audit", 2)).join();
        awaitRoute(client.router(router.address(), OPS), "orders-audit");
        final RockletClient app = newClient(APP);
        final CountDownLatch received = new CountDownLatch(1);
        final PushConsumer consumer = app.newPushConsumer(PushConsumerConfig.builder("billing")
            .subscribe("orders-eu", "*")
            .listener(messages ->
            {
                received.countDown();
                return ConsumeResult.SUCCESS;
            }).build());
        closing.add(consumer);
        final Producer producer = app.newProducer(ProducerConfig.builder("shop").build());

        producer.send(Message.builder("orders-eu").body("paid").build());
        final RockletException denied = assertThrows(RockletException.class,
            () -> producer.send(Message.builder("orders-audit").body("no").build()));

        assertTrue(received.await(30, TimeUnit.SECONDS), "message not consumed");
        assertEquals(ErrorCode.PERMISSION_DENIED, denied.errorCode(), denied.getMessage());
        assertTrue(denied.getMessage().contains("action=Pub, resource=topic:orders-audit"), denied.getMessage());
    }

    @Test
    void shouldIdentifyCallersByCertificateSubjectWhenMutualTlsIsOn()
    {
        start(TestTls.settings(TestTls.node(true)).build(), TestTls.settings(TestTls.client()).build(), null);

        client.broker(broker.address(), null).createOrUpdateTopic(TopicConfig.of("orders-eu", 2)).join();
        awaitRoute(client.router(router.address(), null), "orders-eu");
        final RockletException e = SpiCalls.error(client.router(router.address(), null).registerBroker(
            new BrokerRegistration(new BrokerIdentity("c", "fake", 0, "grpc://127.0.0.1:1"), List.of(), 1)));

        assertEquals(ErrorCode.PERMISSION_DENIED, e.errorCode(), e.getMessage());
        assertTrue(e.getMessage().contains("user=tls-client"), e.getMessage());
    }

    private void assertWatchRefusedWithoutCredentials()
    {
        final GrpcAddress address = GrpcAddress.parse(broker.address());
        final ManagedChannel channel = NettyChannelBuilder.forAddress(address.host(), address.port()).usePlaintext()
            .build();
        closing.add(channel::shutdownNow);
        final var events = BrokerGrpc.newBlockingStub(channel).watchGroup(BrokerProto.WatchGroupRequest.newBuilder()
            .setGroup(SpiCalls.GROUP).setClientId("c").build());

        final StatusRuntimeException e = assertThrows(StatusRuntimeException.class, events::hasNext);

        assertEquals(io.grpc.Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), e.getStatus().toString());
    }

    private void assertCheckWatchRefusedWithoutCredentials()
    {
        final GrpcAddress address = GrpcAddress.parse(broker.address());
        final ManagedChannel channel = NettyChannelBuilder.forAddress(address.host(), address.port()).usePlaintext()
            .build();
        closing.add(channel::shutdownNow);
        final var checks = BrokerGrpc.newBlockingStub(channel).watchTransactionChecks(
            io.rocklet.transport.grpc.proto.TransactionProto.WatchTransactionChecksRequest.newBuilder()
                .setProducerGroup("p").setClientId("c").build());

        final StatusRuntimeException e = assertThrows(StatusRuntimeException.class, checks::hasNext);

        assertEquals(io.grpc.Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), e.getStatus().toString());
    }

    private void start(final GrpcTransportConfig serverConfig, final GrpcTransportConfig clientConfig,
        final Credentials member)
    {
        final Path rules = directory.resolve("rules.acl");
        AclFile.write(rules, AclFile.parse(RULES, "test"));
        final Acl acl = Acl.fromFile(rules, () -> System.currentTimeMillis() + clockShiftMs.get(),
            Duration.ofMinutes(5));
        server = GrpcTransport.create(serverConfig);
        closing.add(server);
        client = GrpcTransport.create(clientConfig);
        closing.add(client);
        final GrpcBinding routerEndpoint = server.listen("grpc://127.0.0.1:0");
        router = Router.start(RouterConfig.builder(routerEndpoint.address()).accessControl(acl).build(), server);
        closing.add(router);
        broker = Broker.start(BrokerConfig.builder().brokerName("b1").address("grpc://127.0.0.1:0")
            .routers(router.address())
            .storeConfig(StoreConfig.ephemeralBuilder().threadingMode(ThreadingMode.SHARED).build())
            .accessControl(acl)
            .credentials(member)
            .build(), server);
        closing.add(broker);
        final String address = broker.address();
        Await.until(() -> router.clusterInfo().join().brokers().values().stream()
            .anyMatch(route -> address.equals(route.masterAddress())), () -> "broker not registered: " + address);
    }

    private RockletClient newClient(final Credentials credentials)
    {
        final RockletClient created = RockletClients.create(ClientConfig.builder().routers(router.address())
            .credentials(credentials).build(), client);
        closing.add(created);
        return created;
    }

    private Stubs stubs(final Credentials credentials)
    {
        return new Stubs(client.broker(broker.address(), credentials), client.router(router.address(), credentials),
            new BrokerIdentity(broker.config().clusterName(), broker.config().brokerName(), 0, broker.address()));
    }

    private static void awaitRoute(final RouterService router, final String topic)
    {
        Await.until(() -> SpiCalls.error(router.queryRoute(topic)) == null, () -> "no route: topic=" + topic);
    }

    private static void assertUnauthenticated(final java.util.concurrent.CompletableFuture<?> call,
        final String reason)
    {
        final RockletException e = SpiCalls.error(call);
        assertNotNull(e, "the call succeeded");
        assertEquals(ErrorCode.UNAUTHENTICATED, e.errorCode(), e.getMessage());
        assertTrue(e.getMessage().contains("reason=" + reason), e.getMessage());
    }
}
