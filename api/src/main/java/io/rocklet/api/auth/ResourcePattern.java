package io.rocklet.api.auth;

import io.rocklet.api.InvalidArgumentException;

/**
 * Which resources a policy covers: {@code *} (every resource), {@code cluster}, {@code topic:orders} (exact),
 * {@code topic:orders-*} (prefix), {@code topic:*} (every topic), and the same for {@code group:}.
 *
 * @param type   the resource type, or null for every type ({@code *}).
 * @param prefix the name or name prefix ({@code ""} with {@code exact} false: every name of the type).
 * @param exact  true when the name must equal {@code prefix}.
 */
public record ResourcePattern(Resource.Type type, String prefix, boolean exact)
{
    /** Every resource. */
    public static final ResourcePattern ANY = new ResourcePattern(null, "", false);

    /**
     * @throws InvalidArgumentException naming the text when it is not a pattern.
     */
    public static ResourcePattern parse(final String text)
    {
        if (text == null || text.isBlank())
        {
            throw new InvalidArgumentException("illegal resource pattern: pattern=" + text +
                ", expected *, cluster, topic:<name>[*] or group:<name>[*]");
        }
        final String value = text.trim();
        if (value.equals("*"))
        {
            return ANY;
        }
        if (value.equals(Resource.CLUSTER_NAME) || value.equals(Resource.CLUSTER_NAME + ":*"))
        {
            return new ResourcePattern(Resource.Type.CLUSTER, "", false);
        }
        for (final Resource.Type type : new Resource.Type[] {Resource.Type.TOPIC, Resource.Type.GROUP})
        {
            final String head = type.label() + ':';
            if (value.startsWith(head) && value.length() > head.length())
            {
                final String name = value.substring(head.length());
                final boolean prefix = name.endsWith("*");
                final String stem = prefix ? name.substring(0, name.length() - 1) : name;
                if (stem.indexOf('*') >= 0)
                {
                    break;
                }
                return new ResourcePattern(type, stem, !prefix);
            }
        }
        throw new InvalidArgumentException("illegal resource pattern: pattern=" + text +
            ", expected *, cluster, topic:<name>[*] or group:<name>[*] ('*' only at the end)");
    }

    /**
     * @return true when {@code resource} is covered.
     */
    public boolean matches(final Resource resource)
    {
        if (type != null && type != resource.type())
        {
            return false;
        }
        return exact ? resource.name().equals(prefix) : resource.name().startsWith(prefix);
    }

    @Override
    public String toString()
    {
        if (type == null)
        {
            return "*";
        }
        if (type == Resource.Type.CLUSTER)
        {
            return Resource.CLUSTER_NAME;
        }
        return type.label() + ':' + prefix + (exact ? "" : "*");
    }
}
