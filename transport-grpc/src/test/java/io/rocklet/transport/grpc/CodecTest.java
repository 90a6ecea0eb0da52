package io.rocklet.transport.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.MessageModel;
import io.rocklet.api.MessageView;
import io.rocklet.api.SystemProperties;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService.BrokerStatus;
import io.rocklet.api.spi.BrokerService.ClientHeartbeat;
import io.rocklet.api.spi.BrokerService.CommitOffsetsRequest;
import io.rocklet.api.spi.BrokerService.ConsumerRegistration;
import io.rocklet.api.spi.BrokerService.GroupEvent;
import io.rocklet.api.spi.BrokerService.GroupState;
import io.rocklet.api.spi.BrokerService.KeyQuery;
import io.rocklet.api.spi.BrokerService.LockRequest;
import io.rocklet.api.spi.BrokerService.MemberState;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.PullStatus;
import io.rocklet.api.spi.BrokerService.QueueConsumeState;
import io.rocklet.api.spi.BrokerService.QueueOffset;
import io.rocklet.api.spi.BrokerService.QueueOffsets;
import io.rocklet.api.spi.BrokerService.QueueRef;
import io.rocklet.api.spi.BrokerService.RecallRequest;
import io.rocklet.api.spi.BrokerService.RecallStatus;
import io.rocklet.api.spi.BrokerService.ResetOffsetsRequest;
import io.rocklet.api.spi.BrokerService.SendBackRequest;
import io.rocklet.api.spi.BrokerService.SendBatchRequest;
import io.rocklet.api.spi.BrokerService.SendRequest;
import io.rocklet.api.spi.BrokerService.SendResult;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.api.spi.RouterService.BrokerRegistration;
import io.rocklet.api.spi.RouterService.BrokerRoute;
import io.rocklet.api.spi.RouterService.ClusterInfo;
import io.rocklet.api.spi.RouterService.QueueRoute;
import io.rocklet.api.spi.RouterService.RegisteredBroker;
import io.rocklet.api.spi.RouterService.RegistrationResult;
import io.rocklet.api.spi.RouterService.TopicRoute;
import io.rocklet.transport.grpc.proto.BrokerProto;
import io.rocklet.transport.grpc.proto.CommonProto;
import io.rocklet.transport.grpc.proto.RouterProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every SPI record survives the wire field for field: encoded, serialized, parsed (with aliasing, as the transport
 * does) and decoded back equal; enums left unset are rejected with a message naming the field.
 */
@Timeout(30)
class CodecTest
{
    private static final Message MESSAGE = Message.builder("orders").tag("paid").keys("k1", "k2")
        .property("customer", "c7").property("region", "eu").body("{\"order\":42}").build();
    private static final TopicConfig TOPIC = new TopicConfig("orders", 8, 4, TopicConfig.PERM_READ, true);
    private static final BrokerIdentity BROKER = new BrokerIdentity("cluster-a", "b1", 1, "grpc://10.0.0.1:9876");

    @Test
    void shouldCarryEveryRouterRecordFieldForField()
    {
        final BrokerRegistration registration = new BrokerRegistration(BROKER, List.of(TOPIC,
            TopicConfig.of("%RETRY%g", 1)), 42);
        assertEquals(registration, roundTrip(RouterCodec.registration(registration),
            RouterProto.BrokerRegistration.parser(), RouterCodec::registration));
        final RegistrationResult result = new RegistrationResult("grpc://10.0.0.2:9876");
        assertEquals(result, roundTrip(RouterCodec.registrationResult(result), RouterProto.RegistrationResult.parser(),
            RouterCodec::registrationResult));
        final BrokerRoute route = new BrokerRoute("cluster-a", "b1", Map.of(0L, "grpc://a:1", 1L, "grpc://b:2"));
        final TopicRoute topicRoute = new TopicRoute("orders", List.of(new QueueRoute("b1", 8, 4, 6),
            new QueueRoute("b2", 2, 2, 4)), List.of(route));
        assertEquals(topicRoute, roundTrip(RouterCodec.topicRoute(topicRoute), RouterProto.TopicRoute.parser(),
            RouterCodec::topicRoute));
        final ClusterInfo info = new ClusterInfo(Map.of("cluster-a", Set.of("b1", "b2"), "cluster-b", Set.of()),
            Map.of("b1", route));
        assertEquals(info, roundTrip(RouterCodec.clusterInfo(info), RouterProto.ClusterInfoResult.parser(),
            RouterCodec::clusterInfo));
        assertEquals(BROKER, roundTrip(CommonCodec.brokerIdentity(BROKER), CommonProto.BrokerIdentity.parser(),
            CommonCodec::brokerIdentity));
    }

    @Test
    void shouldCarryEverySendRecordFieldForField()
    {
        final SendRequest send = new SendRequest("pg", "p-1", MESSAGE, 3, 1_700_000_000_000L, 2);
        assertEquals(send, roundTrip(MessageCodec.sendRequest(send), BrokerProto.SendRequest.parser(),
            MessageCodec::sendRequest));
        final SendResult result = new SendResult("id-1", "b1", 3, 99, 1_700_000_000_001L);
        assertEquals(result, roundTrip(MessageCodec.sendResult(result), BrokerProto.SendResult.parser(),
            MessageCodec::sendResult));
        final SendBatchRequest batch = new SendBatchRequest("pg", "p-1", "orders", 2, List.of(MESSAGE,
            Message.of("orders", new byte[0])), 5);
        assertEquals(batch, roundTrip(MessageCodec.sendBatchRequest(batch), BrokerProto.SendBatchRequest.parser(),
            MessageCodec::sendBatchRequest));
        assertEquals(List.of(result, result), roundTrip(MessageCodec.sendBatchResult(List.of(result, result)),
            BrokerProto.SendBatchResult.parser(), MessageCodec::sendBatchResult));
        final SendBatchRequest delayed = new SendBatchRequest("pg", "p-1", "orders", 2, List.of(
            Message.builder("orders").delayLevel(3).body("a").build(),
            Message.builder("orders").deliverAt(1_700_000_000_000L).body("b").build(),
            Message.builder("orders").deliverAfter(java.time.Duration.ofSeconds(7)).body("c").build()), 5);
        assertEquals(delayed, roundTrip(MessageCodec.sendBatchRequest(delayed), BrokerProto.SendBatchRequest.parser(),
            MessageCodec::sendBatchRequest), "each message keeps its delay");
        final RecallRequest recall = new RecallRequest("orders", "0A0B0C0D0E0F00010203040506070809");
        assertEquals(recall, roundTrip(MessageCodec.recallRequest(recall), BrokerProto.RecallRequest.parser(),
            MessageCodec::recallRequest));
        for (final RecallStatus status : RecallStatus.values())
        {
            assertEquals(status, roundTrip(MessageCodec.recallResult(status), BrokerProto.RecallResult.parser(),
                MessageCodec::recallResult));
        }
        final SendBackRequest back = new SendBackRequest("g", "id-1", "orders", 3, 16);
        assertEquals(back, roundTrip(MessageCodec.sendBackRequest(back), BrokerProto.SendBackRequest.parser(),
            MessageCodec::sendBackRequest));
    }

    @Test
    void shouldCarryPullsAndStoredMessagesFieldForField()
    {
        final PullRequest request = new PullRequest("g", "orders", 1, 10, 32, "paid || refunded", 15_000);
        assertEquals(request, roundTrip(MessageCodec.pullRequest(request), BrokerProto.PullRequest.parser(),
            MessageCodec::pullRequest));
        final PullRequest sql = new PullRequest("g", "orders", 1, 10, 32, "*", 15_000, "region = 'eu'");
        assertEquals(BrokerProto.FilterType.FILTER_TYPE_SQL92, MessageCodec.pullRequest(sql).getFilterType());
        assertEquals(sql, roundTrip(MessageCodec.pullRequest(sql), BrokerProto.PullRequest.parser(),
            MessageCodec::pullRequest));
        final BrokerProto.PullRequest tagTyped = MessageCodec.pullRequest(sql).toBuilder()
            .setFilterType(BrokerProto.FilterType.FILTER_TYPE_TAG).build();
        assertEquals("", MessageCodec.pullRequest(tagTyped).sqlExpression(), "a TAG pull carries no SQL filter");
        final MessageView stored = new StoredView();
        for (final PullStatus status : PullStatus.values())
        {
            final PullResult result = roundTrip(MessageCodec.pullResult(new PullResult(status, 11, 0, 12,
                List.of(stored))), BrokerProto.PullResult.parser(), MessageCodec::pullResult);
            assertEquals(status, result.status());
            assertEquals(List.of(11L, 0L, 12L), List.of(result.nextOffset(), result.minOffset(), result.maxOffset()));
            assertSameView(stored, result.messages().get(0));
        }
        assertThrows(InvalidArgumentException.class, () -> MessageCodec.pullResult(BrokerProto.PullResult
            .getDefaultInstance()));
    }

    @Test
    void shouldCarryTheSubscribeStartAndCredits()
    {
        final PullRequest request = new PullRequest("g", "orders", 1, 10, 32, "paid", 15_000);
        final BrokerProto.SubscribeRequest start = roundTrip(MessageCodec.subscribeStart(request, 128),
            BrokerProto.SubscribeRequest.parser(), message -> message);
        assertEquals(request, MessageCodec.pullRequest(start.getStart().getPull()));
        assertEquals(128, start.getStart().getCredits());
        final BrokerProto.SubscribeRequest credit = roundTrip(MessageCodec.subscribeCredit(32),
            BrokerProto.SubscribeRequest.parser(), message -> message);
        assertEquals(BrokerProto.SubscribeRequest.KindCase.CREDIT, credit.getKindCase());
        assertEquals(32, credit.getCredit().getCredits());
    }

    @Test
    void shouldCarryEveryGroupAndOffsetRecordFieldForField()
    {
        final ClientHeartbeat heartbeat = new ClientHeartbeat("client-1", List.of(
            new ConsumerRegistration("g1", MessageModel.CLUSTERING, ConsumeFrom.LAST, Map.of("orders", "*")),
            new ConsumerRegistration("g2", MessageModel.BROADCASTING, ConsumeFrom.timestamp(123),
                Map.of("a", "x || y", "b", "*"), 1_700_000_000_123L)), List.of("pg1", "pg2"));
        assertEquals(heartbeat, roundTrip(GroupCodec.heartbeat(heartbeat), BrokerProto.ClientHeartbeat.parser(),
            GroupCodec::heartbeat));
        for (final GroupEvent event : List.of(new GroupEvent("g", GroupEvent.Kind.MEMBERS_CHANGED),
            new GroupEvent("g", GroupEvent.Kind.OFFSETS_RESET, "orders", Map.of(0, 5L, 3, 7L)),
            new GroupEvent("g", GroupEvent.Kind.OFFSETS_RESET, "", Map.of())))
        {
            assertEquals(event, roundTrip(GroupCodec.groupEvent(event), BrokerProto.GroupEvent.parser(),
                GroupCodec::groupEvent));
        }
        assertNull(GroupCodec.groupEvent(GroupCodec.groupEvent(new GroupEvent("g",
            GroupEvent.Kind.MEMBERS_CHANGED))).topic(), "an absent topic stays null");
        final CommitOffsetsRequest commit = new CommitOffsetsRequest("g", List.of(new QueueOffset("orders", 0, 5),
            new QueueOffset("orders", 1, 6)));
        assertEquals(commit, roundTrip(GroupCodec.commitOffsets(commit), BrokerProto.CommitOffsetsRequest.parser(),
            GroupCodec::commitOffsets));
        final QueueOffsets offsets = new QueueOffsets(3, 99);
        assertEquals(offsets, roundTrip(GroupCodec.queueOffsets(offsets), BrokerProto.QueueOffsetsResult.parser(),
            GroupCodec::queueOffsets));
        final LockRequest lock = new LockRequest("g", "client-1", List.of(new QueueRef("orders", 0),
            new QueueRef("orders", 2)));
        assertEquals(lock, roundTrip(GroupCodec.lockRequest(lock), BrokerProto.LockRequest.parser(),
            GroupCodec::lockRequest));
        assertEquals(lock.queues(), roundTrip(GroupCodec.queueRefs(lock.queues()), BrokerProto.QueueRefs.parser(),
            GroupCodec::queueRefs));
        for (final ConsumeFrom.Position position : ConsumeFrom.Position.values())
        {
            final ResetOffsetsRequest reset = new ResetOffsetsRequest("g", "orders", position, 1234);
            assertEquals(reset, roundTrip(GroupCodec.resetOffsets(reset), BrokerProto.ResetOffsetsRequest.parser(),
                GroupCodec::resetOffsets));
        }
        assertEquals(Map.of(0, 1L, 5, 9L), roundTrip(GroupCodec.offsetMap(Map.of(0, 1L, 5, 9L)),
            BrokerProto.QueueOffsetMap.parser(), GroupCodec::offsetMap));
        assertEquals(List.of("a", "b"), roundTrip(GroupCodec.groupMembers(List.of("a", "b")),
            BrokerProto.GroupMembersResult.parser(), GroupCodec::groupMembers));
        assertEquals(List.of(TOPIC), roundTrip(GroupCodec.topics(List.of(TOPIC)), BrokerProto.TopicConfigs.parser(),
            GroupCodec::topics));
    }

    @Test
    void shouldCarryEveryAdminRecordFieldForField()
    {
        final BrokerStatus status = new BrokerStatus(BROKER, 1_700_000_000_000L, 12, 3, 5, 4096, true, 0.42,
            Map.of("orders", 7L, "jobs", 1L), Map.of("orders", 2L), 65_536, 120, 9_000, 42);
        assertEquals(status, roundTrip(AdminCodec.brokerStatus(status), BrokerProto.BrokerStatus.parser(),
            AdminCodec::brokerStatus));
        final Map<Integer, QueueOffsets> offsets = Map.of(0, new QueueOffsets(0, 10), 3, new QueueOffsets(5, 7));
        assertEquals(offsets, roundTrip(AdminCodec.topicOffsets(offsets), BrokerProto.TopicOffsetsResult.parser(),
            AdminCodec::topicOffsets));
        final ConsumerRegistration registration = new ConsumerRegistration("g", MessageModel.CLUSTERING,
            ConsumeFrom.timestamp(123), Map.of("orders", "paid"));
        final List<GroupState> groups = List.of(new GroupState("g", List.of(new MemberState("c1", registration, 250)),
            List.of("orders", "%RETRY%g")), new GroupState("idle", List.of(), List.of()));
        assertEquals(groups, roundTrip(AdminCodec.groupStates(groups), BrokerProto.GroupStates.parser(),
            AdminCodec::groupStates));
        final List<QueueConsumeState> progress = List.of(new QueueConsumeState("orders", 1, 2, 30, 25),
            new QueueConsumeState("orders", 2, 0, 0, -1));
        assertEquals(progress, roundTrip(AdminCodec.queueConsumeStates(progress),
            BrokerProto.QueueConsumeStates.parser(), AdminCodec::queueConsumeStates));
        final KeyQuery query = new KeyQuery("orders", "k1", 100, 200, 16);
        assertEquals(query, roundTrip(AdminCodec.keyQuery(query), BrokerProto.KeyQuery.parser(),
            AdminCodec::keyQuery));
        final MessageView stored = new StoredView();
        assertSameView(stored, roundTrip(AdminCodec.storedMessages(List.of(stored)),
            BrokerProto.StoredMessages.parser(), AdminCodec::storedMessages).get(0));
        final List<RegisteredBroker> brokers = List.of(new RegisteredBroker(BROKER, 1_700_000_000_000L, 9, 4));
        assertEquals(brokers, roundTrip(AdminCodec.registeredBrokers(brokers),
            RouterProto.RegisteredBrokersResult.parser(), AdminCodec::registeredBrokers));
        assertThrows(InvalidArgumentException.class, () -> AdminCodec.brokerStatus(BrokerProto.BrokerStatus
            .getDefaultInstance()), "identity is required");
    }

    @Test
    void shouldRejectUnsetEnumsAndMissingMessagesNamingTheField()
    {
        final InvalidArgumentException model = assertThrows(InvalidArgumentException.class,
            () -> GroupCodec.heartbeat(BrokerProto.ClientHeartbeat.newBuilder().addConsumers(
                BrokerProto.ConsumerRegistration.newBuilder().setGroup("g")).build()));
        assertTrue(model.getMessage().contains("ConsumerRegistration.messageModel"), model.getMessage());
        final InvalidArgumentException position = assertThrows(InvalidArgumentException.class,
            () -> GroupCodec.resetOffsets(BrokerProto.ResetOffsetsRequest.newBuilder().setGroup("g").build()));
        assertTrue(position.getMessage().contains("ResetOffsetsRequest.position"), position.getMessage());
        final InvalidArgumentException broker = assertThrows(InvalidArgumentException.class,
            () -> RouterCodec.registration(RouterProto.BrokerRegistration.getDefaultInstance()));
        assertTrue(broker.getMessage().contains("BrokerRegistration.broker"), broker.getMessage());
    }

    @Test
    void shouldAliasReceivedBodiesInsteadOfCopyingThem() throws InvalidProtocolBufferException
    {
        final byte[] frame = MessageCodec.pullResult(new PullResult(PullStatus.FOUND, 1, 0, 1,
            List.of(new StoredView()))).toByteArray();
        final PullResult result = MessageCodec.pullResult(Marshallers.parse(BrokerProto.PullResult.parser(), frame));
        final ByteBuffer body = result.messages().get(0).body();
        assertTrue(body.isReadOnly());
        assertEquals(0, body.position());
        assertEquals(StoredView.BODY.length, body.limit());
        assertEquals('s', body.get(0));
        frame[indexOf(frame, StoredView.BODY)] = 'X'; // change the frame: the view sees it
        assertEquals('X', body.get(0));
    }

    private static int indexOf(final byte[] frame, final byte[] body)
    {
        for (int start = 0; start + body.length <= frame.length; start++)
        {
            if (Arrays.equals(frame, start, start + body.length, body, 0, body.length))
            {
                return start;
            }
        }
        throw new AssertionError("body not in frame");
    }

    private static <P extends MessageLite, T> T roundTrip(final P proto, final Parser<P> parser,
        final Function<P, T> decode)
    {
        try
        {
            return decode.apply(Marshallers.parse(parser, proto.toByteArray()));
        }
        catch (final InvalidProtocolBufferException e)
        {
            throw new AssertionError("cannot parse what was encoded", e);
        }
    }

    private static void assertSameView(final MessageView expected, final MessageView actual)
    {
        assertEquals(expected.messageId(), actual.messageId());
        assertEquals(expected.offsetMessageId(), actual.offsetMessageId());
        assertEquals(expected.topic(), actual.topic());
        assertEquals(expected.tag(), actual.tag());
        assertEquals(expected.keys(), actual.keys());
        assertEquals(expected.properties(), actual.properties());
        assertEquals(expected.body(), actual.body());
        assertEquals(expected.bodySize(), actual.bodySize());
        assertArrayEquals(expected.bodyBytes(), actual.bodyBytes());
        assertEquals(expected.queueId(), actual.queueId());
        assertEquals(expected.queueOffset(), actual.queueOffset());
        assertEquals(expected.logOffset(), actual.logOffset());
        assertEquals(expected.bornTimestampMs(), actual.bornTimestampMs());
        assertEquals(expected.storeTimestampMs(), actual.storeTimestampMs());
        assertEquals(expected.reconsumeTimes(), actual.reconsumeTimes());
        assertEquals(expected.producerId(), actual.producerId());
    }

    /** A stored message with every field set. */
    private static final class StoredView implements MessageView
    {
        static final byte[] BODY = "stored body".getBytes(StandardCharsets.UTF_8);

        @Override
        public String messageId()
        {
            return "0123456789ABCDEF0123456789ABCDEF";
        }

        @Override
        public String offsetMessageId()
        {
            return "0A0000010000000000000064";
        }

        @Override
        public String topic()
        {
            return "orders";
        }

        @Override
        public String tag()
        {
            return "paid";
        }

        @Override
        public List<String> keys()
        {
            return List.of("k1", "k2");
        }

        @Override
        public Map<String, String> properties()
        {
            return Map.of("customer", "c7", SystemProperties.UNIQUE_ID, messageId());
        }

        @Override
        public ByteBuffer body()
        {
            return ByteBuffer.wrap(BODY).asReadOnlyBuffer();
        }

        @Override
        public int bodySize()
        {
            return BODY.length;
        }

        @Override
        public byte[] bodyBytes()
        {
            return BODY.clone();
        }

        @Override
        public int queueId()
        {
            return 2;
        }

        @Override
        public long queueOffset()
        {
            return 17;
        }

        @Override
        public long logOffset()
        {
            return 4096;
        }

        @Override
        public long bornTimestampMs()
        {
            return 1_700_000_000_000L;
        }

        @Override
        public long storeTimestampMs()
        {
            return 1_700_000_000_005L;
        }

        @Override
        public int reconsumeTimes()
        {
            return 3;
        }

        @Override
        public String producerId()
        {
            return "p-1";
        }
    }
}
