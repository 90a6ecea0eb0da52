package io.rocklet.broker.replication;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.SystemTopics;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.ReplicaFetchRequest;
import io.rocklet.api.spi.BrokerService.ReplicaMetadata;
import io.rocklet.api.spi.BrokerService.ReplicaMetadataRequest;
import io.rocklet.broker.internal.OffsetTable;
import io.rocklet.broker.internal.ScheduleService;
import io.rocklet.broker.internal.SubscriptionTable;
import io.rocklet.broker.internal.TopicConfigStore;
import io.rocklet.broker.timer.TimerService;
import io.rocklet.store.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Broker metadata that follows the master (RocketMQ's {@code SlaveSynchronize}): topic configs, committed consumer
 * offsets, first-subscription times, delay-level and timer progress, and topic deletions. A master answers with {@link #answer};
 * a slave applies one ({@link #syncFrom}): topics, offsets and delay progress as the master has them, subscription
 * times merged, and each deletion made at the same position of its log as in the master's
 * ({@link MessageStore#followTopicDeletion}; the topic's config and offsets go too unless the master has the topic
 * again). Offsets
 * consumers commit to a slave (while the master is away) are kept there and handed to the master with the next copy,
 * which takes those ahead of its own: they are not lost when the master returns. Thread-safe.
 */
public final class MetadataSync
{
    private static final Logger LOG = LoggerFactory.getLogger(MetadataSync.class);
    private static final long ANSWER_TIMEOUT_MS = 10_000;

    private final MessageStore store;
    private final TopicConfigStore topics;
    private final OffsetTable offsets;
    private final SubscriptionTable subscriptions;
    private final ScheduleService schedule;
    private final TimerService timer;
    /** Offsets committed to this broker while a slave, not yet taken by the master. */
    private final Map<String, Map<String, Long>> committedHere = new ConcurrentHashMap<>();

    public MetadataSync(final MessageStore store, final TopicConfigStore topics, final OffsetTable offsets,
        final SubscriptionTable subscriptions, final ScheduleService schedule, final TimerService timer)
    {
        this.store = store;
        this.timer = timer;
        this.topics = topics;
        this.offsets = offsets;
        this.subscriptions = subscriptions;
        this.schedule = schedule;
    }

    /**
     * A master answers a slave: first takes the offsets consumers committed to the slave that are ahead of its own
     * (committed there while this master was away), then copies everything.
     */
    ReplicaMetadata answer(final ReplicaMetadataRequest request)
    {
        final int moved = offsets.mergeLarger(request.committedOnSlave());
        if (moved > 0)
        {
            LOG.info("offsets taken from a slave, committed there while the master was away: slave={}, moved={}",
                request.slave().address(), moved);
        }
        return new ReplicaMetadata(topics.all(), offsets.snapshot(), schedule.offsets(), subscriptions.snapshot(),
            store.topicDeletions(), timer.progress());
    }

    /**
     * Registers the topics the replicated log holds messages of but no metadata copy named yet (created on the master
     * after the last copy), with as many queues as the log holds, so that a slave serves their pulls and a promoted
     * slave their sends. Topics deleted on the master (a watermark, no message since) stay unknown.
     *
     * @return how many topics were registered.
     */
    int learnTopicsFromLog()
    {
        int learned = 0;
        final Map<String, Long> deleted = store.topicDeletions();
        for (final String name : store.topics())
        {
            if (SystemTopics.isSystem(name) || topics.get(name) != null)
            {
                continue;
            }
            int queues = 0;
            boolean holdsMessages = false;
            for (final int queueId : store.queueIds(name))
            {
                queues = Math.max(queues, queueId + 1);
                holdsMessages |= store.maxOffset(name, queueId) > 0;
            }
            // a queue's records count once dispatched; a topic never deleted is learned from its appended queues
            final boolean present = queues > 0 && (holdsMessages || !deleted.containsKey(name));
            final TopicConfig learnedTopic = new TopicConfig(name, Math.max(1, queues), Math.max(1, queues),
                TopicConfig.PERM_READ_WRITE, false);
            if (present && topics.putIfAbsent(learnedTopic) == learnedTopic)
            {
                learned++;
                LOG.info("topic learned from the replicated log: topic={}, queues={}", name, queues);
            }
        }
        return learned;
    }

    /**
     * A consumer committed an offset to this broker while it is a slave: kept, and handed to the master with the next
     * copy.
     */
    void onSlaveCommit(final String group, final String topic, final int queueId, final long offset)
    {
        committedHere.computeIfAbsent(group, g -> new ConcurrentHashMap<>()).merge(topic + '@' + queueId, offset,
            Math::max);
    }

    /**
     * Copies the master's metadata now (a slave's replication thread, or a test's explicit sync).
     *
     * @return how many of the master's topic deletions were new to this slave.
     * @throws RockletException when the master cannot be asked or refuses.
     */
    int syncFrom(final BrokerService master, final ReplicaFetchRequest slave)
    {
        final Map<String, Map<String, Long>> sent = new HashMap<>();
        committedHere.forEach((group, queues) -> sent.put(group, Map.copyOf(queues)));
        try
        {
            return apply(master.fetchReplicaMetadata(new ReplicaMetadataRequest(slave, sent))
                .get(ANSWER_TIMEOUT_MS, TimeUnit.MILLISECONDS), sent);
        }
        catch (final ExecutionException e)
        {
            throw e.getCause() instanceof RockletException rocklet ? rocklet : new RockletException(
                ErrorCode.BROKER_UNAVAILABLE, "metadata sync failed: brokerName=" + slave.brokerName(), e.getCause());
        }
        catch (final TimeoutException e)
        {
            throw new RockletException(ErrorCode.TIMEOUT, "metadata sync not answered: brokerName=" +
                slave.brokerName() + ", waitedMs=" + ANSWER_TIMEOUT_MS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new RockletException(ErrorCode.CLOSED, "metadata sync interrupted: brokerName=" + slave.brokerName());
        }
    }

    /** Follows the master: its topic deletions, topics, offsets (also backwards, after a reset) and delay progress. */
    private int apply(final ReplicaMetadata metadata, final Map<String, Map<String, Long>> sent)
    {
        final Set<String> masterTopics = new HashSet<>();
        metadata.topics().forEach(topic -> masterTopics.add(topic.name()));
        int followed = 0;
        for (final Map.Entry<String, Long> deletion : metadata.topicDeletions().entrySet())
        {
            final String topic = deletion.getKey();
            final long logOffset = deletion.getValue();
            if (store.followTopicDeletion(topic, logOffset))
            {
                followed++;
                if (!masterTopics.contains(topic))
                {
                    topics.remove(topic);
                }
                offsets.removeTopic(topic); // the master's offsets of a topic created again follow below
                committedHere.values().forEach(queues -> queues.keySet().removeIf(queue ->
                    queue.substring(0, queue.lastIndexOf('@')).equals(topic)));
                LOG.info("topic deletion followed: topic={}, logOffset={}, createdAgain={}", topic, logOffset,
                    masterTopics.contains(topic));
            }
        }
        int changedTopics = 0;
        for (final TopicConfig topic : metadata.topics())
        {
            changedTopics += topics.put(topic) ? 1 : 0;
        }
        int movedOffsets = 0;
        for (final Map.Entry<String, Map<String, Long>> group : metadata.offsets().entrySet())
        {
            for (final Map.Entry<String, Long> queue : group.getValue().entrySet())
            {
                final int at = queue.getKey().lastIndexOf('@');
                final String topic = queue.getKey().substring(0, at);
                final int queueId = Integer.parseInt(queue.getKey().substring(at + 1));
                final long here = offsets.query(group.getKey(), topic, queueId);
                final Long pending = committedHere.getOrDefault(group.getKey(), Map.of()).get(queue.getKey());
                if (here != queue.getValue() && (pending == null || pending <= queue.getValue()))
                {
                    offsets.commit(group.getKey(), topic, queueId, queue.getValue());
                    movedOffsets++;
                }
            }
        }
        // what the master now has need not be sent again
        sent.forEach((group, queues) -> queues.forEach((queue, offset) ->
            committedHere.getOrDefault(group, new ConcurrentHashMap<>()).remove(queue, offset)));
        subscriptions.mergeEarlier(metadata.subscriptions());
        schedule.follow(metadata.delayOffsets());
        timer.follow(metadata.timerProgress());
        if (changedTopics > 0 || movedOffsets > 0)
        {
            LOG.debug("metadata synced from master: changedTopics={}, movedOffsets={}", changedTopics, movedOffsets);
        }
        return followed;
    }
}
