package io.rocklet.api.admin;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.MessageModel;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One live member of a consumer group, as its heartbeats describe it.
 *
 * @param clientId           the member's client id.
 * @param messageModel       clustering or broadcasting.
 * @param consumeFrom        where it starts in a queue without a committed offset.
 * @param subscriptions      topic to tag expression, sorted by topic.
 * @param brokers            the brokers it heartbeats, sorted.
 * @param sinceLastHeartbeat how long ago the broker that heard from it last did so.
 */
public record GroupMember(String clientId, MessageModel messageModel, ConsumeFrom consumeFrom,
    Map<String, String> subscriptions, Set<String> brokers, Duration sinceLastHeartbeat)
{
    public GroupMember
    {
        subscriptions = Collections.unmodifiableMap(new TreeMap<>(subscriptions));
        brokers = Collections.unmodifiableSet(new TreeSet<>(brokers));
    }
}
