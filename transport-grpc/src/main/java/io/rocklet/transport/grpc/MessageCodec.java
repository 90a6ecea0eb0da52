package io.rocklet.transport.grpc;

import com.google.protobuf.UnsafeByteOperations;
import io.rocklet.api.MessageView;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.PullStatus;
import io.rocklet.api.spi.BrokerService.RecallRequest;
import io.rocklet.api.spi.BrokerService.RecallStatus;
import io.rocklet.api.spi.BrokerService.SendBackRequest;
import io.rocklet.api.spi.BrokerService.SendBatchRequest;
import io.rocklet.api.spi.BrokerService.SendRequest;
import io.rocklet.api.spi.BrokerService.SendResult;
import io.rocklet.transport.grpc.proto.BrokerProto;

import java.util.List;

import static io.rocklet.transport.grpc.CommonCodec.map;
import static io.rocklet.transport.grpc.CommonCodec.message;
import static io.rocklet.transport.grpc.CommonCodec.required;
import static io.rocklet.transport.grpc.CommonCodec.text;
import static io.rocklet.transport.grpc.CommonCodec.unknownEnum;

/**
 * Converts the records of {@link io.rocklet.api.spi.BrokerService}'s message path (send, batch, pull, send back) to
 * and from their protobuf form, one pair per record. Stored messages travel with their bodies wrapped (the broker's
 * read copy is not copied again) and arrive as {@link WireMessageView}s over the received frame. Stateless.
 */
final class MessageCodec
{
    private MessageCodec()
    {
    }

    static BrokerProto.SendRequest sendRequest(final SendRequest request)
    {
        return BrokerProto.SendRequest.newBuilder()
            .setProducerGroup(text(request.producerGroup()))
            .setProducerId(text(request.producerId()))
            .setMessage(message(request.message()))
            .setQueueId(request.queueId())
            .setBornTimestampMs(request.bornTimestampMs())
            .setDelayLevel(request.delayLevel())
            .build();
    }

    static SendRequest sendRequest(final BrokerProto.SendRequest request)
    {
        return new SendRequest(request.getProducerGroup(), request.getProducerId(),
            message(required(request.hasMessage(), request.getMessage(), "SendRequest.message")), request.getQueueId(),
            request.getBornTimestampMs(), request.getDelayLevel());
    }

    static BrokerProto.SendResult sendResult(final SendResult result)
    {
        return BrokerProto.SendResult.newBuilder()
            .setMessageId(text(result.messageId()))
            .setBrokerName(text(result.brokerName()))
            .setQueueId(result.queueId())
            .setQueueOffset(result.queueOffset())
            .setStoreTimestampMs(result.storeTimestampMs())
            .build();
    }

    static SendResult sendResult(final BrokerProto.SendResult result)
    {
        return new SendResult(result.getMessageId(), result.getBrokerName(), result.getQueueId(),
            result.getQueueOffset(), result.getStoreTimestampMs());
    }

    static BrokerProto.SendBatchRequest sendBatchRequest(final SendBatchRequest request)
    {
        return BrokerProto.SendBatchRequest.newBuilder()
            .setProducerGroup(text(request.producerGroup()))
            .setProducerId(text(request.producerId()))
            .setTopic(text(request.topic()))
            .setQueueId(request.queueId())
            .addAllMessages(map(request.messages(), CommonCodec::message))
            .setBornTimestampMs(request.bornTimestampMs())
            .build();
    }

    static SendBatchRequest sendBatchRequest(final BrokerProto.SendBatchRequest request)
    {
        return new SendBatchRequest(request.getProducerGroup(), request.getProducerId(), request.getTopic(),
            request.getQueueId(), map(request.getMessagesList(), CommonCodec::message), request.getBornTimestampMs());
    }

    static BrokerProto.RecallRequest recallRequest(final RecallRequest request)
    {
        return BrokerProto.RecallRequest.newBuilder()
            .setTopic(text(request.topic()))
            .setMessageId(text(request.messageId()))
            .build();
    }

    static RecallRequest recallRequest(final BrokerProto.RecallRequest request)
    {
        return new RecallRequest(request.getTopic(), request.getMessageId());
    }

    static BrokerProto.RecallResult recallResult(final RecallStatus status)
    {
        return BrokerProto.RecallResult.newBuilder().setStatus(switch (status)
        {
            case RECALLED -> BrokerProto.RecallStatus.RECALL_STATUS_RECALLED;
            case ALREADY_RECALLED -> BrokerProto.RecallStatus.RECALL_STATUS_ALREADY_RECALLED;
            case ALREADY_DUE -> BrokerProto.RecallStatus.RECALL_STATUS_ALREADY_DUE;
            case NOT_DELAYED -> BrokerProto.RecallStatus.RECALL_STATUS_NOT_DELAYED;
            case NOT_FOUND -> BrokerProto.RecallStatus.RECALL_STATUS_NOT_FOUND;
        }).build();
    }

    static RecallStatus recallResult(final BrokerProto.RecallResult result)
    {
        return switch (result.getStatus())
        {
            case RECALL_STATUS_RECALLED -> RecallStatus.RECALLED;
            case RECALL_STATUS_ALREADY_RECALLED -> RecallStatus.ALREADY_RECALLED;
            case RECALL_STATUS_ALREADY_DUE -> RecallStatus.ALREADY_DUE;
            case RECALL_STATUS_NOT_DELAYED -> RecallStatus.NOT_DELAYED;
            case RECALL_STATUS_NOT_FOUND -> RecallStatus.NOT_FOUND;
            default -> throw unknownEnum("RecallResult.status", result.getStatus());
        };
    }

    static BrokerProto.SendBatchResult sendBatchResult(final List<SendResult> results)
    {
        return BrokerProto.SendBatchResult.newBuilder().addAllResults(map(results, MessageCodec::sendResult)).build();
    }

    static List<SendResult> sendBatchResult(final BrokerProto.SendBatchResult results)
    {
        return map(results.getResultsList(), MessageCodec::sendResult);
    }

    static BrokerProto.PullRequest pullRequest(final PullRequest request)
    {
        return BrokerProto.PullRequest.newBuilder()
            .setGroup(text(request.group()))
            .setTopic(text(request.topic()))
            .setQueueId(request.queueId())
            .setOffset(request.offset())
            .setMaxCount(request.maxCount())
            .setTagExpression(text(request.tagExpression()))
            .setLongPollTimeoutMs(request.longPollTimeoutMs())
            .setFilterType(request.hasSqlFilter() ? BrokerProto.FilterType.FILTER_TYPE_SQL92 :
                BrokerProto.FilterType.FILTER_TYPE_TAG)
            .setSqlExpression(request.sqlExpression())
            .build();
    }

    static PullRequest pullRequest(final BrokerProto.PullRequest request)
    {
        return new PullRequest(request.getGroup(), request.getTopic(), request.getQueueId(), request.getOffset(),
            request.getMaxCount(), request.getTagExpression(), request.getLongPollTimeoutMs(),
            request.getFilterType() == BrokerProto.FilterType.FILTER_TYPE_SQL92 ? request.getSqlExpression() : "");
    }

    /**
     * @return the first message of a {@code Subscribe} call: pull as {@code request} would, with {@code credits}.
     */
    static BrokerProto.SubscribeRequest subscribeStart(final PullRequest request, final int credits)
    {
        return BrokerProto.SubscribeRequest.newBuilder()
            .setStart(BrokerProto.SubscribeStart.newBuilder().setPull(pullRequest(request)).setCredits(credits))
            .build();
    }

    /**
     * @return a {@code Subscribe} message granting {@code credits} more.
     */
    static BrokerProto.SubscribeRequest subscribeCredit(final int credits)
    {
        return BrokerProto.SubscribeRequest.newBuilder()
            .setCredit(BrokerProto.SubscribeCredit.newBuilder().setCredits(credits))
            .build();
    }

    static BrokerProto.PullResult pullResult(final PullResult result)
    {
        return BrokerProto.PullResult.newBuilder()
            .setStatus(pullStatus(result.status()))
            .setNextOffset(result.nextOffset())
            .setMinOffset(result.minOffset())
            .setMaxOffset(result.maxOffset())
            .addAllMessages(map(result.messages(), MessageCodec::storedMessage))
            .setSuggestedBrokerId(result.suggestedBrokerId())
            .build();
    }

    static PullResult pullResult(final BrokerProto.PullResult result)
    {
        return new PullResult(pullStatus(result.getStatus()), result.getNextOffset(), result.getMinOffset(),
            result.getMaxOffset(), List.copyOf(map(result.getMessagesList(), WireMessageView::new)),
            result.getSuggestedBrokerId());
    }

    static BrokerProto.SendBackRequest sendBackRequest(final SendBackRequest request)
    {
        return BrokerProto.SendBackRequest.newBuilder()
            .setGroup(text(request.group()))
            .setMessageId(text(request.messageId()))
            .setOriginalTopic(text(request.originalTopic()))
            .setDelayLevel(request.delayLevel())
            .setMaxReconsumeTimes(request.maxReconsumeTimes())
            .build();
    }

    static SendBackRequest sendBackRequest(final BrokerProto.SendBackRequest request)
    {
        return new SendBackRequest(request.getGroup(), request.getMessageId(), request.getOriginalTopic(),
            request.getDelayLevel(), request.getMaxReconsumeTimes());
    }

    /**
     * @return the stored message, its body wrapped without a copy (a view's body is read-only and never changes).
     */
    static BrokerProto.StoredMessage storedMessage(final MessageView view)
    {
        if (view instanceof WireMessageView wire)
        {
            return wire.proto();
        }
        return BrokerProto.StoredMessage.newBuilder()
            .setMessageId(text(view.offsetMessageId())) // the unique id travels as a property
            .setTopic(text(view.topic()))
            .setTag(text(view.tag()))
            .addAllKeys(view.keys())
            .putAllProperties(view.properties())
            .setBody(UnsafeByteOperations.unsafeWrap(view.body()))
            .setQueueId(view.queueId())
            .setQueueOffset(view.queueOffset())
            .setLogOffset(view.logOffset())
            .setBornTimestampMs(view.bornTimestampMs())
            .setStoreTimestampMs(view.storeTimestampMs())
            .setReconsumeTimes(view.reconsumeTimes())
            .setProducerId(text(view.producerId()))
            .build();
    }

    private static BrokerProto.PullStatus pullStatus(final PullStatus status)
    {
        return switch (status)
        {
            case FOUND -> BrokerProto.PullStatus.PULL_STATUS_FOUND;
            case NO_NEW_MESSAGES -> BrokerProto.PullStatus.PULL_STATUS_NO_NEW_MESSAGES;
            case NO_MATCHED_MESSAGE -> BrokerProto.PullStatus.PULL_STATUS_NO_MATCHED_MESSAGE;
            case OFFSET_TOO_OLD -> BrokerProto.PullStatus.PULL_STATUS_OFFSET_TOO_OLD;
            case OFFSET_OVERFLOW -> BrokerProto.PullStatus.PULL_STATUS_OFFSET_OVERFLOW;
        };
    }

    private static PullStatus pullStatus(final BrokerProto.PullStatus status)
    {
        return switch (status)
        {
            case PULL_STATUS_FOUND -> PullStatus.FOUND;
            case PULL_STATUS_NO_NEW_MESSAGES -> PullStatus.NO_NEW_MESSAGES;
            case PULL_STATUS_NO_MATCHED_MESSAGE -> PullStatus.NO_MATCHED_MESSAGE;
            case PULL_STATUS_OFFSET_TOO_OLD -> PullStatus.OFFSET_TOO_OLD;
            case PULL_STATUS_OFFSET_OVERFLOW -> PullStatus.OFFSET_OVERFLOW;
            default -> throw unknownEnum("PullResult.status", status);
        };
    }
}
