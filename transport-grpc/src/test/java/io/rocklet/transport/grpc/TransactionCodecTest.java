package io.rocklet.transport.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.TransactionResolution;
import io.rocklet.api.admin.TransactionInfo;
import io.rocklet.api.spi.BrokerService.EndTransactionRequest;
import io.rocklet.api.spi.BrokerService.EndTransactionStatus;
import io.rocklet.api.spi.BrokerService.TransactionCheck;
import io.rocklet.transport.grpc.proto.TransactionProto;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The records of transactional messages round-trip field for field through bytes; unset enums and a check without
 * its message are named.
 */
class TransactionCodecTest
{
    @Test
    void shouldRoundTripEveryTransactionRecordWhenEncodedAndParsed() throws InvalidProtocolBufferException
    {
        for (final TransactionResolution resolution : TransactionResolution.values())
        {
            final EndTransactionRequest request = new EndTransactionRequest("p", "orders", "ID", 7, resolution, true);
            assertEquals(request, TransactionCodec.endRequest(TransactionProto.EndTransactionRequest.parseFrom(
                TransactionCodec.endRequest(request).toByteArray())));
        }
        for (final EndTransactionStatus status : EndTransactionStatus.values())
        {
            assertEquals(status, TransactionCodec.endResult(TransactionProto.EndTransactionResult.parseFrom(
                TransactionCodec.endResult(status).toByteArray())));
        }
        final Message message = Message.builder("orders").tag("t").keys("k").property("a", "1").body("x").build();
        final TransactionCheck check = new TransactionCheck("p", "b1", "ID", 3, message);
        assertEquals(check, TransactionCodec.check(TransactionProto.TransactionCheck.parseFrom(
            TransactionCodec.check(check).toByteArray())));
        final List<TransactionInfo> infos = List.of(
            new TransactionInfo("p", "orders", "ID1", "b1", 1, 1000, 0, TransactionInfo.State.OPEN),
            new TransactionInfo("p", "orders", "ID2", "b1", 2, 2000, 15,
                TransactionInfo.State.ROLLED_BACK_AFTER_MAX_CHECKS));
        assertEquals(infos, TransactionCodec.infos(TransactionProto.TransactionInfos.parseFrom(
            TransactionCodec.infos(infos).toByteArray())));
    }

    @Test
    void shouldNameTheFieldWhenAnEnumIsUnsetOrTheCheckHasNoMessage()
    {
        final InvalidArgumentException resolution = assertThrows(InvalidArgumentException.class, () ->
            TransactionCodec.endRequest(TransactionProto.EndTransactionRequest.newBuilder().setMessageId("ID")
                .build()));
        assertTrue(resolution.getMessage().contains("EndTransactionRequest.resolution"), resolution.getMessage());
        final InvalidArgumentException status = assertThrows(InvalidArgumentException.class, () ->
            TransactionCodec.endResult(TransactionProto.EndTransactionResult.getDefaultInstance()));
        assertTrue(status.getMessage().contains("EndTransactionResult.status"), status.getMessage());
        final InvalidArgumentException check = assertThrows(InvalidArgumentException.class, () ->
            TransactionCodec.check(TransactionProto.TransactionCheck.getDefaultInstance()));
        assertTrue(check.getMessage().contains("TransactionCheck.message"), check.getMessage());
    }
}
