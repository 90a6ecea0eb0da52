package io.rocklet.api.auth;

import io.rocklet.api.InvalidArgumentException;

import java.util.Locale;

/**
 * What an operation acts on: the cluster (the served broker or router as a whole), a topic or a consumer group.
 * Written {@code topic:orders}, {@code group:billing}, {@code cluster}.
 *
 * @param type what kind of resource.
 * @param name its name ({@value #CLUSTER_NAME} for the cluster).
 */
public record Resource(Type type, String name)
{
    /** The name of the cluster resource. */
    public static final String CLUSTER_NAME = "cluster";
    /** The cluster: the served broker or router as a whole. */
    public static final Resource CLUSTER = new Resource(Type.CLUSTER, CLUSTER_NAME);

    public enum Type
    {
        CLUSTER,
        TOPIC,
        GROUP;

        /**
         * @return the prefix used in policies: {@code cluster}, {@code topic}, {@code group}.
         */
        public String label()
        {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Resource
    {
        if (type == null || name == null || name.isEmpty())
        {
            throw new InvalidArgumentException("illegal resource: type=" + type + ", name=" + name +
                ", a type and a name are required");
        }
    }

    public static Resource topic(final String name)
    {
        return new Resource(Type.TOPIC, name);
    }

    public static Resource group(final String name)
    {
        return new Resource(Type.GROUP, name);
    }

    @Override
    public String toString()
    {
        return type == Type.CLUSTER ? CLUSTER_NAME : type.label() + ':' + name;
    }
}
