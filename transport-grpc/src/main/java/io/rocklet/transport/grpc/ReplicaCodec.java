package io.rocklet.transport.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService.ReplicaFetchRequest;
import io.rocklet.api.spi.BrokerService.ReplicaFetchResult;
import io.rocklet.api.spi.BrokerService.ReplicaMetadata;
import io.rocklet.api.spi.BrokerService.TimerProgress;
import io.rocklet.api.spi.BrokerService.ReplicaMetadataRequest;
import io.rocklet.api.spi.EpochEntry;
import io.rocklet.transport.grpc.proto.BrokerProto;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.rocklet.transport.grpc.CommonCodec.text;

/**
 * Converts the replication contracts (slave fetches of the master's log and metadata) to and from their protobuf
 * messages. The log bytes travel without a copy on the sending side ({@link UnsafeByteOperations}); the receiving side
 * copies them once out of the frame. Stateless.
 */
final class ReplicaCodec
{
    private ReplicaCodec()
    {
    }

    static BrokerProto.ReplicaFetchRequest fetchRequest(final ReplicaFetchRequest request)
    {
        return BrokerProto.ReplicaFetchRequest.newBuilder()
            .setClusterName(text(request.clusterName()))
            .setBrokerName(text(request.brokerName()))
            .setBrokerId(request.brokerId())
            .setAddress(text(request.address()))
            .setFetchOffset(request.fetchOffset())
            .setMaxBytes(request.maxBytes())
            .setMaxWaitMs(request.maxWaitMs())
            .build();
    }

    static ReplicaFetchRequest fetchRequest(final BrokerProto.ReplicaFetchRequest request)
    {
        return new ReplicaFetchRequest(request.getClusterName(), request.getBrokerName(), request.getBrokerId(),
            request.getAddress(), request.getFetchOffset(), request.getMaxBytes(), request.getMaxWaitMs());
    }

    static BrokerProto.ReplicaFetchResult fetchResult(final ReplicaFetchResult result)
    {
        final BrokerProto.ReplicaFetchResult.Builder builder = BrokerProto.ReplicaFetchResult.newBuilder()
            .setMasterLogEnd(result.masterLogEnd())
            .setSegmentSizeBytes(result.segmentSizeBytes())
            .setOffset(result.offset())
            .setNextOffset(result.nextOffset())
            .setLogStartOffset(result.logStartOffset())
            .setBytes(UnsafeByteOperations.unsafeWrap(result.bytes())); // the array is the master's own copy
        for (final EpochEntry entry : result.epochs())
        {
            builder.addEpochs(BrokerProto.EpochEntry.newBuilder().setEpoch(entry.epoch())
                .setStartOffset(entry.startOffset()));
        }
        return builder.build();
    }

    static ReplicaFetchResult fetchResult(final BrokerProto.ReplicaFetchResult result)
    {
        final List<EpochEntry> epochs = new ArrayList<>(result.getEpochsCount());
        for (final BrokerProto.EpochEntry entry : result.getEpochsList())
        {
            epochs.add(new EpochEntry(entry.getEpoch(), entry.getStartOffset()));
        }
        final ByteString bytes = result.getBytes();
        return new ReplicaFetchResult(epochs, result.getMasterLogEnd(), result.getSegmentSizeBytes(),
            result.getOffset(), result.getNextOffset(), bytes.toByteArray(), result.getLogStartOffset());
    }

    static BrokerProto.ReplicaMetadataRequest metadataRequest(final ReplicaMetadataRequest request)
    {
        return BrokerProto.ReplicaMetadataRequest.newBuilder()
            .setSlave(fetchRequest(request.slave()))
            .putAllCommittedOnSlave(toProto(request.committedOnSlave()))
            .build();
    }

    static ReplicaMetadataRequest metadataRequest(final BrokerProto.ReplicaMetadataRequest request)
    {
        return new ReplicaMetadataRequest(fetchRequest(request.getSlave()), fromProto(request.getCommittedOnSlaveMap()));
    }

    static BrokerProto.ReplicaMetadata metadata(final ReplicaMetadata metadata)
    {
        final BrokerProto.ReplicaMetadata.Builder builder = BrokerProto.ReplicaMetadata.newBuilder()
            .putAllOffsets(toProto(metadata.offsets()))
            .putAllDelayOffsets(metadata.delayOffsets())
            .putAllSubscriptions(toProto(metadata.subscriptions()))
            .putAllTopicDeletions(metadata.topicDeletions())
            .setTimerProgress(BrokerProto.TimerProgress.newBuilder().setIndexed(metadata.timerProgress().indexed())
                .setCursorDueMs(metadata.timerProgress().cursorDueMs())
                .setCursorOffset(metadata.timerProgress().cursorOffset()));
        for (final TopicConfig topic : metadata.topics())
        {
            builder.addTopics(CommonCodec.topicConfig(topic));
        }
        return builder.build();
    }

    static ReplicaMetadata metadata(final BrokerProto.ReplicaMetadata metadata)
    {
        final List<TopicConfig> topics = metadata.getTopicsList().stream().map(CommonCodec::topicConfig).toList();
        return new ReplicaMetadata(topics, fromProto(metadata.getOffsetsMap()), Map.copyOf(metadata.getDelayOffsetsMap()),
            fromProto(metadata.getSubscriptionsMap()), Map.copyOf(metadata.getTopicDeletionsMap()),
            metadata.hasTimerProgress() ? new TimerProgress(metadata.getTimerProgress().getIndexed(),
                metadata.getTimerProgress().getCursorDueMs(), metadata.getTimerProgress().getCursorOffset()) :
                TimerProgress.NONE);
    }

    private static Map<String, BrokerProto.LongsByName> toProto(final Map<String, Map<String, Long>> values)
    {
        final Map<String, BrokerProto.LongsByName> proto = new HashMap<>();
        values.forEach((name, longs) -> proto.put(name, BrokerProto.LongsByName.newBuilder().putAllValues(longs)
            .build()));
        return proto;
    }

    private static Map<String, Map<String, Long>> fromProto(final Map<String, BrokerProto.LongsByName> proto)
    {
        final Map<String, Map<String, Long>> values = new HashMap<>();
        proto.forEach((name, longs) -> values.put(name, Map.copyOf(longs.getValuesMap())));
        return values;
    }
}
