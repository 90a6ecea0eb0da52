package io.rocklet.testkit;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.auth.AccessControl;
import io.rocklet.api.auth.Credentials;
import io.rocklet.broker.BrokerConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a test broker is started with. A record, so that run-wide brokers are shared by the classes that ask for
 * equal settings: the settings are the key of the broker in the root context's store.
 *
 * @param scope            which tests share the broker.
 * @param persistent       durable store settings (fsync, preallocated files) instead of the ephemeral ones.
 * @param dataDirectory    a directory of the caller's (never deleted), or null for a temporary one of the kit's.
 * @param autoCreateTopics whether the broker creates a topic on its first send.
 * @param topicQueues      queues of each fresh topic.
 * @param delayLevels      the back-off of each delay level (retries use level 3 and up).
 * @param auth             access control of the router and broker, or null for none.
 */
record KitSettings(BrokerScope scope, boolean persistent, Path dataDirectory, boolean autoCreateTopics,
    int topicQueues, List<Duration> delayLevels, Auth auth)
{
    /**
     * @param access the rules the router and the broker enforce.
     * @param member the broker's cluster-member identity (its registration with the router).
     * @param client what the kit's own client (topics, producers, consumers it hands out) signs with.
     */
    record Auth(AccessControl access, Credentials member, Credentials client)
    {
    }

    static final int DEFAULT_TOPIC_QUEUES = TopicConfig.DEFAULT_QUEUES;

    KitSettings
    {
        if (scope == null)
        {
            throw new InvalidArgumentException("illegal test kit setting: scope=null");
        }
        if (dataDirectory != null && !persistent)
        {
            throw new InvalidArgumentException("illegal test kit setting: dataDirectory=" + dataDirectory +
                " needs persistent=true");
        }
        if (topicQueues < 1 || topicQueues > TopicConfig.MAX_QUEUES)
        {
            throw new InvalidArgumentException("illegal test kit setting: topicQueues=" + topicQueues +
                ", allowed: 1.." + TopicConfig.MAX_QUEUES);
        }
        if (delayLevels == null || delayLevels.isEmpty())
        {
            throw new InvalidArgumentException("illegal test kit setting: delayLevels=" + delayLevels +
                ", allowed: at least one level");
        }
        for (final Duration level : delayLevels)
        {
            if (level == null || level.isNegative() || level.isZero())
            {
                throw new InvalidArgumentException("illegal test kit setting: delayLevels contains " + level +
                    ", allowed: > 0");
            }
        }
        delayLevels = List.copyOf(delayLevels);
    }

    /**
     * @return the defaults: a class-wide, ephemeral broker that creates topics on first send, fresh topics of
     *     4 queues, RocketMQ's delay levels.
     */
    static KitSettings defaults()
    {
        return new KitSettings(BrokerScope.CLASS, false, null, true, DEFAULT_TOPIC_QUEUES,
            BrokerConfig.DEFAULT_DELAY_LEVELS, null);
    }

    /**
     * @return the settings an annotation asks for.
     */
    static KitSettings of(final RockletTest annotation)
    {
        return new KitSettings(annotation.scope(), annotation.persistent(), null, annotation.autoCreateTopics(),
            annotation.topicQueues(), BrokerConfig.DEFAULT_DELAY_LEVELS, null);
    }
}
