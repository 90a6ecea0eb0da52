package io.rocklet.broker.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.rocklet.store.StoreStats;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import static io.rocklet.api.metrics.MetricNames.*;

/**
 * The broker's meters in a Micrometer registry. A topic's (and a group's) counters and histogram are created at its
 * first message and kept in a map by name: a message costs a map look-up and the meters' own increments, no tag
 * building. Lag, ready and in-flight gauges and the storage gauges are computed from offsets and the store's
 * statistics when the registry reads them (a scrape), never per message. Only {@link BrokerMetrics#create} makes
 * one, after checking a registry was given: the only class of the broker that touches Micrometer.
 */
final class MicrometerBrokerMetrics implements BrokerMetrics
{
    /** Body-size buckets of the message size histogram. */
    private static final double[] SIZE_BUCKETS = {1024, 4096, 16 * 1024, 64 * 1024, 256 * 1024, 1 << 20, 4 << 20};

    private final MeterRegistry registry;
    private final Tags common;
    private final ConsumerPositions positions;
    private final Map<String, TopicMeters> topics = new ConcurrentHashMap<>();
    private final Map<String, Map<String, GroupMeters>> groups = new ConcurrentHashMap<>();
    private final Map<String, Counter> retries = new ConcurrentHashMap<>();
    private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
    private final List<Meter> meters = new CopyOnWriteArrayList<>();

    private MicrometerBrokerMetrics(final MeterRegistry registry, final Tags common,
        final ConsumerPositions positions)
    {
        this.registry = registry;
        this.common = common;
        this.positions = positions;
    }

    static BrokerMetrics create(final Object registry, final String cluster, final String broker,
        final ConsumerPositions positions, final Supplier<StoreStats> store)
    {
        final MicrometerBrokerMetrics metrics = new MicrometerBrokerMetrics((MeterRegistry)registry,
            Tags.of(TAG_CLUSTER, cluster, TAG_BROKER, broker), positions);
        metrics.storeGauge(STORAGE_SIZE, "bytes", "commit log on disk", store,
            s -> s.writePosition() - s.minLogOffset());
        metrics.storeGauge(STORAGE_FLUSH_LAG, "bytes", "written, not yet known to be on disk", store,
            s -> s.writePosition() - s.flushedPosition());
        metrics.storeGauge(STORAGE_DISPATCH_LAG, "bytes", "written, not yet in consume queues and index", store,
            StoreStats::dispatchLagBytes);
        metrics.storeGauge(STORAGE_DISK_USED, null, "disk usage of the store's volume", store,
            StoreStats::diskUsedRatio);
        metrics.meters.add(Gauge.builder(CONSUMER_CLIENTS, positions, ConsumerPositions::clientCount)
            .tags(metrics.common).description("consumer clients with a live heartbeat").strongReference(true)
            .register(metrics.registry));
        return metrics;
    }

    @Override
    public void messageIn(final String topic, final boolean delayed, final int bodyBytes)
    {
        TopicMeters meters = topics.get(topic);
        if (meters == null)
        {
            meters = topics.computeIfAbsent(topic, TopicMeters::new);
        }
        meters.record(delayed, bodyBytes);
    }

    @Override
    public void messagesOut(final String group, final String topic, final int queueId, final long nextOffset,
        final int messages, final long bodyBytes)
    {
        final GroupMeters meters = groupMeters(group, topic);
        meters.messagesOut.increment(messages);
        meters.bytesOut.increment(bodyBytes);
        meters.pulled(queueId, nextOffset);
    }

    @Override
    public void consumerSeen(final String group, final String topic)
    {
        groupMeters(group, topic);
    }

    @Override
    public void sentToRetry(final String group)
    {
        retries.computeIfAbsent(group, g -> counter(SEND_TO_RETRY, null, "messages sent back for another try",
            Tags.of(TAG_GROUP, g))).increment();
    }

    @Override
    public void sentToDeadLetters(final String group)
    {
        deadLetters.computeIfAbsent(group, g -> counter(SEND_TO_DLQ, null, "messages moved to the dead-letter topic",
            Tags.of(TAG_GROUP, g))).increment();
    }

    @Override
    public void close()
    {
        meters.forEach(registry::remove);
        meters.clear();
    }

    private GroupMeters groupMeters(final String group, final String topic)
    {
        Map<String, GroupMeters> byTopic = groups.get(group);
        if (byTopic == null)
        {
            byTopic = groups.computeIfAbsent(group, g -> new ConcurrentHashMap<>());
        }
        GroupMeters meters = byTopic.get(topic);
        if (meters == null)
        {
            meters = byTopic.computeIfAbsent(topic, t -> new GroupMeters(group, t));
        }
        return meters;
    }

    /**
     * A gauge of the store's statistics; held strongly (Micrometer holds a gauge's object weakly by default, and
     * nothing else holds the supplier).
     */
    private void storeGauge(final String name, final String unit, final String description,
        final Supplier<StoreStats> store, final ToDoubleFunction<StoreStats> value)
    {
        meters.add(Gauge.builder(name, store, s -> value.applyAsDouble(s.get())).baseUnit(unit)
            .description(description).tags(common).strongReference(true).register(registry));
    }

    private Counter counter(final String name, final String unit, final String description, final Tags tags)
    {
        final Counter counter = Counter.builder(name).baseUnit(unit).description(description).tags(common).tags(tags)
            .register(registry);
        meters.add(counter);
        return counter;
    }

    private DistributionSummary sizes(final Tags tags)
    {
        final DistributionSummary summary = DistributionSummary.builder(MESSAGE_SIZE).baseUnit("bytes")
            .description("body size of each stored message").serviceLevelObjectives(SIZE_BUCKETS).tags(common)
            .tags(tags).register(registry);
        meters.add(summary);
        return summary;
    }

    /** One topic's send meters, normal and delayed sends apart. */
    private final class TopicMeters
    {
        private final Counter in;
        private final Counter bytesIn;
        private final DistributionSummary size;
        private final String topic;
        private volatile TopicMeters delayed;

        TopicMeters(final String topic)
        {
            this(topic, INVOCATION_NORMAL);
        }

        TopicMeters(final String topic, final String invocationType)
        {
            this.topic = topic;
            final Tags tags = Tags.of(TAG_TOPIC, topic, TAG_INVOCATION_TYPE, invocationType);
            in = counter(MESSAGES_IN, null, "messages stored by sends", tags);
            bytesIn = counter(THROUGHPUT_IN, "bytes", "body bytes stored by sends", tags);
            size = sizes(tags);
        }

        void record(final boolean isDelayed, final int bodyBytes)
        {
            final TopicMeters meters = isDelayed ? delayedMeters() : this;
            meters.in.increment();
            meters.bytesIn.increment(bodyBytes);
            meters.size.record(bodyBytes);
        }

        private TopicMeters delayedMeters()
        {
            TopicMeters meters = delayed;
            if (meters == null)
            {
                synchronized (this)
                {
                    if (delayed == null)
                    {
                        delayed = new TopicMeters(topic, INVOCATION_DELAY);
                    }
                    meters = delayed;
                }
            }
            return meters;
        }
    }

    /** One group's meters of one topic: what it pulled, and its lag gauges. */
    private final class GroupMeters
    {
        private final String group;
        private final String topic;
        private final Counter messagesOut;
        private final Counter bytesOut;
        /** The next offset of the group's last pull, per queue; -1 before any. */
        private volatile AtomicLongArray pulled = new AtomicLongArray(0);

        GroupMeters(final String group, final String topic)
        {
            this.group = group;
            this.topic = topic;
            final Tags tags = Tags.of(TAG_TOPIC, topic, TAG_GROUP, group);
            messagesOut = counter(MESSAGES_OUT, null, "messages returned by pulls", tags);
            bytesOut = counter(THROUGHPUT_OUT, "bytes", "body bytes returned by pulls", tags);
            gauge(CONSUMER_LAG, "messages stored and not committed by the group", tags, GroupMeters::lag);
            gauge(CONSUMER_READY, "messages stored and not pulled by the group", tags, GroupMeters::ready);
            gauge(CONSUMER_INFLIGHT, "messages pulled and not committed by the group", tags, GroupMeters::inflight);
        }

        private void gauge(final String name, final String description, final Tags tags,
            final ToDoubleFunction<GroupMeters> value)
        {
            meters.add(Gauge.builder(name, this, value).description(description).tags(common).tags(tags)
                .strongReference(true).register(registry));
        }

        void pulled(final int queueId, final long nextOffset)
        {
            AtomicLongArray offsets = pulled;
            if (queueId >= offsets.length())
            {
                offsets = grow(queueId + 1);
            }
            offsets.accumulateAndGet(queueId, nextOffset, Math::max);
        }

        private synchronized AtomicLongArray grow(final int length)
        {
            final AtomicLongArray old = pulled;
            if (old.length() >= length)
            {
                return old;
            }
            final AtomicLongArray grown = new AtomicLongArray(length);
            for (int i = 0; i < length; i++)
            {
                grown.set(i, i < old.length() ? old.get(i) : -1);
            }
            pulled = grown;
            return grown;
        }

        double lag()
        {
            long lag = 0;
            for (int queueId = 0; queueId < positions.queueCount(topic); queueId++)
            {
                lag += positions.maxOffset(topic, queueId) - committed(queueId);
            }
            return lag;
        }

        double ready()
        {
            long ready = 0;
            for (int queueId = 0; queueId < positions.queueCount(topic); queueId++)
            {
                ready += positions.maxOffset(topic, queueId) - Math.max(pulledOffset(queueId), committed(queueId));
            }
            return Math.max(0, ready);
        }

        double inflight()
        {
            long inflight = 0;
            for (int queueId = 0; queueId < positions.queueCount(topic); queueId++)
            {
                inflight += Math.max(0, pulledOffset(queueId) - committed(queueId));
            }
            return inflight;
        }

        private long committed(final int queueId)
        {
            final long committed = positions.committedOffset(group, topic, queueId);
            return committed >= 0 ? committed : positions.minOffset(topic, queueId);
        }

        private long pulledOffset(final int queueId)
        {
            final AtomicLongArray offsets = pulled;
            return queueId < offsets.length() ? offsets.get(queueId) : -1;
        }
    }
}
