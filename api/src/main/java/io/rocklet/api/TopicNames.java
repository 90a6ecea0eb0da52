package io.rocklet.api;

/**
 * The naming rules for topics (and consumer groups): characters {@code [%|a-zA-Z0-9_-]}, at most
 * {@value Limits#MAX_TOPIC_LENGTH} of them.
 */
public final class TopicNames
{
    private TopicNames()
    {
    }

    /**
     * @param topic a candidate topic name.
     * @return true when {@code topic} follows the naming rules.
     */
    public static boolean isValid(final String topic)
    {
        return problem(topic) == null;
    }

    /**
     * Checks a topic name.
     *
     * @param topic the name to check.
     * @return the same name.
     * @throws InvalidArgumentException with {@link ErrorCode#ILLEGAL_TOPIC} naming the topic and the rule it breaks.
     */
    public static String validate(final String topic)
    {
        final String problem = problem(topic);
        if (problem != null)
        {
            throw new InvalidArgumentException(ErrorCode.ILLEGAL_TOPIC, "illegal topic: " + problem);
        }
        return topic;
    }

    private static String problem(final String topic)
    {
        if (topic == null)
        {
            return "topic=null";
        }
        if (topic.isEmpty())
        {
            return "topic is empty";
        }
        if (topic.length() > Limits.MAX_TOPIC_LENGTH)
        {
            return "topic=" + topic.substring(0, 32) + "..., length=" + topic.length() +
                ", maxLength=" + Limits.MAX_TOPIC_LENGTH;
        }
        for (int i = 0; i < topic.length(); i++)
        {
            if (!isLegal(topic.charAt(i)))
            {
                return "topic=" + topic + ", illegalChar='" + topic.charAt(i) + "' at index " + i +
                    ", allowed=[%|a-zA-Z0-9_-]";
            }
        }
        return null;
    }

    private static boolean isLegal(final char c)
    {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '%' || c == '|' || c == '_' || c == '-';
    }
}
