package io.rocklet.broker.internal;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Limits;
import io.rocklet.api.TopicNames;
import io.rocklet.api.spi.BrokerService.ClientHeartbeat;
import io.rocklet.api.spi.BrokerService.CommitOffsetsRequest;
import io.rocklet.api.spi.BrokerService.ConsumerRegistration;
import io.rocklet.api.spi.BrokerService.QueueOffset;

/**
 * Checks of the consumer-side requests; each failure is an INVALID_ARGUMENT naming what is wrong. Stateless.
 */
public final class RequestChecks
{
    private RequestChecks()
    {
    }

    /**
     * @return {@code group}, when it follows the naming rules of topics.
     */
    public static String group(final String group)
    {
        if (group == null || !TopicNames.isValid(group))
        {
            throw new InvalidArgumentException("illegal group: group=" + group + ", allowed=[%|a-zA-Z0-9_-], 1.." +
                Limits.MAX_TOPIC_LENGTH + " characters");
        }
        return group;
    }

    public static String clientId(final String clientId)
    {
        if (clientId == null || clientId.isBlank())
        {
            throw new InvalidArgumentException("illegal client id: clientId=" + clientId);
        }
        return clientId;
    }

    public static void heartbeat(final ClientHeartbeat heartbeat)
    {
        clientId(heartbeat.clientId());
        for (final ConsumerRegistration registration : heartbeat.consumers())
        {
            group(registration.group());
            if (registration.messageModel() == null || registration.consumeFrom() == null)
            {
                throw new InvalidArgumentException("illegal heartbeat: clientId=" + heartbeat.clientId() +
                    ", registration=" + registration + ", messageModel and consumeFrom are required");
            }
        }
    }

    public static void commit(final CommitOffsetsRequest request)
    {
        group(request.group());
        for (final QueueOffset offset : request.offsets())
        {
            if (offset == null || !TopicNames.isValid(offset.topic()) || offset.queueId() < 0 || offset.offset() < 0)
            {
                throw new InvalidArgumentException("illegal offset commit: group=" + request.group() + ", offset=" +
                    offset);
            }
        }
    }
}
