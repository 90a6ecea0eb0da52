package io.rocklet.api.admin;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A consumer group as the brokers know it. A group is known once a member has heartbeaten a broker, or while a
 * broker keeps committed offsets or a retry or dead-letter topic for it.
 *
 * @param group     the group.
 * @param clientIds its live members, sorted.
 * @param topics    the topics it subscribes to or has committed offsets for, its retry and dead-letter topics
 *                  included, sorted.
 * @param brokers   the brokers that know the group, sorted.
 */
public record GroupInfo(String group, List<String> clientIds, Set<String> topics, Set<String> brokers)
{
    public GroupInfo
    {
        clientIds = List.copyOf(clientIds);
        topics = Collections.unmodifiableSet(new TreeSet<>(topics));
        brokers = Collections.unmodifiableSet(new TreeSet<>(brokers));
    }
}
