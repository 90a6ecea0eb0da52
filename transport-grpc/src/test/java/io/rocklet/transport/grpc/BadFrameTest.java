package io.rocklet.transport.grpc;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.SendRequest;
import io.rocklet.api.spi.BrokerService.SendResult;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.transport.grpc.proto.BrokerProto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input on the wire, sent with a raw channel and hand-built bytes: malformed and truncated frames, requests
 * missing a required field, bad pull streams, oversize messages, unknown methods and services not served. Each gets a
 * gRPC status with a clear description (and the Rocklet code in the trailers where there is one), and the server
 * answers the next good call.
 */
@Timeout(60)
class BadFrameTest
{
    private static final int MAX_INBOUND = 64 * 1024;
    private static final BrokerIdentity IDENTITY = new BrokerIdentity("c1", "b1", 0, "grpc://127.0.0.1:1");

    private GrpcTransport server;
    private GrpcTransport client;
    private ManagedChannel raw;
    private String address;

    @BeforeEach
    void serve()
    {
        server = GrpcTransport.create(TestTls.plaintext().maxInboundMessageBytes(MAX_INBOUND).build());
        client = GrpcTransport.create(TestTls.plaintext().build());
        final BrokerService broker = FakeBroker.create()
            .on("identity", args -> CompletableFuture.completedFuture(IDENTITY))
            .on("send", args -> CompletableFuture.completedFuture(new SendResult("id-1", "b1",
                ((SendRequest) args[0]).queueId(), 7, 1)))
            .build();
        final GrpcBinding binding = server.serve("grpc://127.0.0.1:0", broker);
        address = binding.address();
        raw = NettyChannelBuilder.forAddress("127.0.0.1", binding.port()).usePlaintext()
            .maxInboundMessageSize(MAX_INBOUND).build();
    }

    @AfterEach
    void stop() throws InterruptedException
    {
        raw.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        client.close();
        server.close();
    }

    @Test
    void shouldAnswerAMalformedFrameWithInvalidArgumentAndKeepServing()
    {
        final byte[] invalidWireType = {0x0F, 0x01, 0x02}; // field 1 with wire type 7, which does not exist
        final StatusRuntimeException error = rawCall("rocklet.v1.Broker/Send", invalidWireType);
        assertRejected(error, Status.Code.INVALID_ARGUMENT, ErrorCode.INVALID_ARGUMENT);
        assertTrue(error.getStatus().getDescription().contains("malformed request: method=rocklet.v1.Broker/Send"),
            error.getStatus().getDescription());
        assertStillServing();
    }

    @Test
    void shouldAnswerATruncatedFrameWithInvalidArgumentAndKeepServing()
    {
        final byte[] whole = MessageCodec.sendRequest(new SendRequest("pg", "p1",
            Message.builder("orders").tag("t").key("k").body(new byte[200]).build(), 1, 2, 0)).toByteArray();
        final StatusRuntimeException error = rawCall("rocklet.v1.Broker/Send", Arrays.copyOf(whole, whole.length / 2));
        assertRejected(error, Status.Code.INVALID_ARGUMENT, ErrorCode.INVALID_ARGUMENT);
        assertTrue(error.getStatus().getDescription().contains("frameBytes=" + whole.length / 2),
            error.getStatus().getDescription());
        assertStillServing();
    }

    @Test
    void shouldAnswerARequestMissingARequiredFieldWithInvalidArgument()
    {
        final byte[] noMessage = BrokerProto.SendRequest.newBuilder().setProducerGroup("pg").setQueueId(1).build()
            .toByteArray();
        final StatusRuntimeException error = rawCall("rocklet.v1.Broker/Send", noMessage);
        assertRejected(error, Status.Code.INVALID_ARGUMENT, ErrorCode.INVALID_ARGUMENT);
        assertTrue(error.getStatus().getDescription().contains("SendRequest.message"),
            error.getStatus().getDescription());

        final byte[] illegalTopic = BrokerProto.SendRequest.newBuilder().setMessage(BrokerProto.SendRequest
            .getDefaultInstance().getMessage().toBuilder().setTopic("no spaces allowed")).build().toByteArray();
        final StatusRuntimeException topic = rawCall("rocklet.v1.Broker/Send", illegalTopic);
        assertRejected(topic, Status.Code.INVALID_ARGUMENT, ErrorCode.ILLEGAL_TOPIC);
        assertStillServing();
    }

    @Test
    void shouldAnswerAMalformedWatchRequestWithInvalidArgument()
    {
        final MethodDescriptor<byte[], byte[]> watch = rawMethod("rocklet.v1.Broker/WatchGroup",
            MethodDescriptor.MethodType.SERVER_STREAMING);
        final Iterator<byte[]> events = ClientCalls.blockingServerStreamingCall(raw, watch,
            CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), new byte[] {0x0F});
        final StatusRuntimeException error = assertThrows(StatusRuntimeException.class, events::hasNext);
        assertRejected(error, Status.Code.INVALID_ARGUMENT, ErrorCode.INVALID_ARGUMENT);
        assertTrue(error.getStatus().getDescription().contains("WatchGroup"), error.getStatus().getDescription());
        assertStillServing();
    }

    @Test
    void shouldAnswerABadSubscribeWithInvalidArgument()
    {
        final BrokerProto.PullRequest pull = BrokerProto.PullRequest.newBuilder().setGroup("g").setTopic("t")
            .setMaxCount(32).setLongPollTimeoutMs(1_000).build();
        final byte[][] bad = {
            {0x0F},
            MessageCodec.subscribeCredit(8).toByteArray(),
            BrokerProto.SubscribeRequest.newBuilder().setStart(BrokerProto.SubscribeStart.newBuilder().setPull(pull)
                .setCredits(0)).build().toByteArray(),
            BrokerProto.SubscribeRequest.newBuilder().setStart(BrokerProto.SubscribeStart.newBuilder()
                .setPull(pull.toBuilder().setLongPollTimeoutMs(0)).setCredits(8)).build().toByteArray(),
        };
        for (final byte[] frame : bad)
        {
            final Iterator<byte[]> results = ClientCalls.blockingServerStreamingCall(raw,
                rawMethod("rocklet.v1.Broker/Subscribe", MethodDescriptor.MethodType.SERVER_STREAMING),
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), frame);
            final StatusRuntimeException error = assertThrows(StatusRuntimeException.class, results::hasNext);
            assertRejected(error, Status.Code.INVALID_ARGUMENT, ErrorCode.INVALID_ARGUMENT);
            assertTrue(error.getStatus().getDescription().contains("Subscribe"), error.getStatus().getDescription());
        }
        assertStillServing();
    }

    @Test
    void shouldRejectAnOversizeMessageAndKeepServing()
    {
        final StatusRuntimeException error = rawCall("rocklet.v1.Broker/Send", new byte[MAX_INBOUND + 1]);
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, error.getStatus().getCode(), error.toString());

        final Message large = Message.builder("orders").body(new byte[MAX_INBOUND * 2]).build();
        final RockletException tooLarge = Failures.failure(client.broker(address)
            .send(new SendRequest("pg", "p1", large, 0, 0, 0)));
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, tooLarge.errorCode(), tooLarge.toString());
        assertFalse(tooLarge.retriable());
        assertStillServing();
    }

    @Test
    void shouldAnswerUnknownMethodsWithUnimplementedAndUnservedServicesWithBrokerUnavailable()
    {
        final StatusRuntimeException unknownMethod = rawCall("rocklet.v1.Broker/Nope", new byte[0]);
        assertEquals(Status.Code.UNIMPLEMENTED, unknownMethod.getStatus().getCode(), unknownMethod.toString());
        assertTrue(unknownMethod.getStatus().getDescription().contains("rocklet.v1.Broker/Nope"),
            unknownMethod.getStatus().getDescription());

        final StatusRuntimeException unknownService = rawCall("acme.Shop/Buy", new byte[0]);
        assertEquals(Status.Code.UNIMPLEMENTED, unknownService.getStatus().getCode(), unknownService.toString());

        final StatusRuntimeException noRouter = rawCall("rocklet.v1.Router/QueryRoute", new byte[0]);
        assertRejected(noRouter, Status.Code.UNAVAILABLE, ErrorCode.BROKER_UNAVAILABLE);
        assertTrue(noRouter.getStatus().getDescription().contains("nothing served at address"),
            noRouter.getStatus().getDescription());
        final RockletException viaStub = Failures.failure(client.router(address).queryRoute("orders"));
        assertEquals(ErrorCode.BROKER_UNAVAILABLE, viaStub.errorCode(), viaStub.toString());
        assertTrue(viaStub.retriable());
        assertStillServing();
    }

    private StatusRuntimeException rawCall(final String method, final byte[] frame)
    {
        return assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(raw,
            rawMethod(method, MethodDescriptor.MethodType.UNARY),
            CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), frame));
    }

    private static MethodDescriptor<byte[], byte[]> rawMethod(final String name,
        final MethodDescriptor.MethodType type)
    {
        return MethodDescriptor.newBuilder(Marshallers.FRAME, Marshallers.FRAME).setType(type)
            .setFullMethodName(name).build();
    }

    private static void assertRejected(final StatusRuntimeException error, final Status.Code status,
        final ErrorCode code)
    {
        assertEquals(status, error.getStatus().getCode(), error.toString());
        assertEquals(code.name(), error.getTrailers().get(StatusErrors.ERROR_CODE), error.toString());
    }

    private void assertStillServing()
    {
        final SendResult result = client.broker(address).send(new SendRequest("pg", "p1",
            Message.of("orders", new byte[] {1, 2, 3}), 3, 0, 0)).join();
        assertEquals(3, result.queueId());
        assertEquals(IDENTITY, client.broker(address).identity().join());
    }
}
