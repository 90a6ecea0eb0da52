package io.rocklet.transport.grpc;

import io.rocklet.api.TransactionResolution;
import io.rocklet.api.admin.TransactionInfo;
import io.rocklet.api.spi.BrokerService.EndTransactionRequest;
import io.rocklet.api.spi.BrokerService.EndTransactionStatus;
import io.rocklet.api.spi.BrokerService.TransactionCheck;
import io.rocklet.transport.grpc.proto.TransactionProto;

import java.util.List;

import static io.rocklet.transport.grpc.CommonCodec.map;
import static io.rocklet.transport.grpc.CommonCodec.message;
import static io.rocklet.transport.grpc.CommonCodec.required;
import static io.rocklet.transport.grpc.CommonCodec.text;
import static io.rocklet.transport.grpc.CommonCodec.unknownEnum;

/**
 * The records of transactional messages on the wire ({@code transaction.proto}): end of a transaction, a check-back,
 * the admin's list. A check's message body is wrapped without a copy. Stateless.
 */
final class TransactionCodec
{
    private TransactionCodec()
    {
    }

    static TransactionProto.EndTransactionRequest endRequest(final EndTransactionRequest request)
    {
        return TransactionProto.EndTransactionRequest.newBuilder()
            .setProducerGroup(text(request.producerGroup()))
            .setTopic(text(request.topic()))
            .setMessageId(text(request.messageId()))
            .setHalfOffset(request.halfOffset())
            .setResolution(resolution(request.resolution()))
            .setFromCheck(request.fromCheck())
            .build();
    }

    static EndTransactionRequest endRequest(final TransactionProto.EndTransactionRequest request)
    {
        return new EndTransactionRequest(request.getProducerGroup(), request.getTopic(), request.getMessageId(),
            request.getHalfOffset(), resolution(request.getResolution()), request.getFromCheck());
    }

    static TransactionProto.EndTransactionResult endResult(final EndTransactionStatus status)
    {
        return TransactionProto.EndTransactionResult.newBuilder().setStatus(switch (status)
        {
            case COMMITTED -> TransactionProto.EndTransactionStatus.END_TRANSACTION_STATUS_COMMITTED;
            case ROLLED_BACK -> TransactionProto.EndTransactionStatus.END_TRANSACTION_STATUS_ROLLED_BACK;
            case ALREADY_COMMITTED -> TransactionProto.EndTransactionStatus.END_TRANSACTION_STATUS_ALREADY_COMMITTED;
            case ALREADY_ROLLED_BACK ->
                TransactionProto.EndTransactionStatus.END_TRANSACTION_STATUS_ALREADY_ROLLED_BACK;
            case NOT_FOUND -> TransactionProto.EndTransactionStatus.END_TRANSACTION_STATUS_NOT_FOUND;
        }).build();
    }

    static EndTransactionStatus endResult(final TransactionProto.EndTransactionResult result)
    {
        return switch (result.getStatus())
        {
            case END_TRANSACTION_STATUS_COMMITTED -> EndTransactionStatus.COMMITTED;
            case END_TRANSACTION_STATUS_ROLLED_BACK -> EndTransactionStatus.ROLLED_BACK;
            case END_TRANSACTION_STATUS_ALREADY_COMMITTED -> EndTransactionStatus.ALREADY_COMMITTED;
            case END_TRANSACTION_STATUS_ALREADY_ROLLED_BACK -> EndTransactionStatus.ALREADY_ROLLED_BACK;
            case END_TRANSACTION_STATUS_NOT_FOUND -> EndTransactionStatus.NOT_FOUND;
            default -> throw unknownEnum("EndTransactionResult.status", result.getStatus());
        };
    }

    static TransactionProto.TransactionCheck check(final TransactionCheck check)
    {
        return TransactionProto.TransactionCheck.newBuilder()
            .setProducerGroup(text(check.producerGroup()))
            .setBrokerName(text(check.brokerName()))
            .setMessageId(text(check.messageId()))
            .setHalfOffset(check.halfOffset())
            .setMessage(message(check.message()))
            .build();
    }

    static TransactionCheck check(final TransactionProto.TransactionCheck check)
    {
        return new TransactionCheck(check.getProducerGroup(), check.getBrokerName(), check.getMessageId(),
            check.getHalfOffset(), message(required(check.hasMessage(), check.getMessage(),
            "TransactionCheck.message")));
    }

    static TransactionProto.TransactionInfos infos(final List<TransactionInfo> infos)
    {
        return TransactionProto.TransactionInfos.newBuilder().addAllTransactions(map(infos, TransactionCodec::info))
            .build();
    }

    static List<TransactionInfo> infos(final TransactionProto.TransactionInfos infos)
    {
        return List.copyOf(map(infos.getTransactionsList(), TransactionCodec::info));
    }

    private static TransactionProto.TransactionInfo info(final TransactionInfo info)
    {
        return TransactionProto.TransactionInfo.newBuilder()
            .setProducerGroup(text(info.producerGroup()))
            .setTopic(text(info.topic()))
            .setMessageId(text(info.messageId()))
            .setBrokerName(text(info.brokerName()))
            .setHalfOffset(info.halfOffset())
            .setStoredMs(info.storedMs())
            .setChecks(info.checks())
            .setState(info.state() == TransactionInfo.State.OPEN ?
                TransactionProto.TransactionState.TRANSACTION_STATE_OPEN :
                TransactionProto.TransactionState.TRANSACTION_STATE_ROLLED_BACK_AFTER_MAX_CHECKS)
            .build();
    }

    private static TransactionInfo info(final TransactionProto.TransactionInfo info)
    {
        final TransactionInfo.State state = switch (info.getState())
        {
            case TRANSACTION_STATE_OPEN -> TransactionInfo.State.OPEN;
            case TRANSACTION_STATE_ROLLED_BACK_AFTER_MAX_CHECKS -> TransactionInfo.State.ROLLED_BACK_AFTER_MAX_CHECKS;
            default -> throw unknownEnum("TransactionInfo.state", info.getState());
        };
        return new TransactionInfo(info.getProducerGroup(), info.getTopic(), info.getMessageId(),
            info.getBrokerName(), info.getHalfOffset(), info.getStoredMs(), info.getChecks(), state);
    }

    private static TransactionProto.TransactionResolution resolution(final TransactionResolution resolution)
    {
        if (resolution == null)
        {
            return TransactionProto.TransactionResolution.TRANSACTION_RESOLUTION_UNSPECIFIED;
        }
        return switch (resolution)
        {
            case COMMIT -> TransactionProto.TransactionResolution.TRANSACTION_RESOLUTION_COMMIT;
            case ROLLBACK -> TransactionProto.TransactionResolution.TRANSACTION_RESOLUTION_ROLLBACK;
            case UNKNOWN -> TransactionProto.TransactionResolution.TRANSACTION_RESOLUTION_UNKNOWN;
        };
    }

    private static TransactionResolution resolution(final TransactionProto.TransactionResolution resolution)
    {
        return switch (resolution)
        {
            case TRANSACTION_RESOLUTION_COMMIT -> TransactionResolution.COMMIT;
            case TRANSACTION_RESOLUTION_ROLLBACK -> TransactionResolution.ROLLBACK;
            case TRANSACTION_RESOLUTION_UNKNOWN -> TransactionResolution.UNKNOWN;
            default -> throw unknownEnum("EndTransactionRequest.resolution", resolution);
        };
    }
}
