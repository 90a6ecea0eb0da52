package io.rocklet.testkit;

import io.rocklet.api.MessageQueue;
import io.rocklet.api.ReceivedMessage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Received messages made by hand, for unit tests that need no broker.
 */
final class TestMessages
{
    private TestMessages()
    {
    }

    static ReceivedMessage received(final String topic, final int queueId, final long offset, final String tag,
        final String body)
    {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new ReceivedMessage()
        {
            @Override
            public MessageQueue queue()
            {
                return new MessageQueue(topic, "broker-test", queueId);
            }

            @Override
            public String messageId()
            {
                return String.format("%032X", offset * 1000 + queueId);
            }

            @Override
            public String offsetMessageId()
            {
                return String.format("%024X", offset * 1000 + queueId);
            }

            @Override
            public String topic()
            {
                return topic;
            }

            @Override
            public String tag()
            {
                return tag;
            }

            @Override
            public List<String> keys()
            {
                return List.of();
            }

            @Override
            public Map<String, String> properties()
            {
                return Map.of();
            }

            @Override
            public ByteBuffer body()
            {
                return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
            }

            @Override
            public int bodySize()
            {
                return bytes.length;
            }

            @Override
            public byte[] bodyBytes()
            {
                return bytes.clone();
            }

            @Override
            public int queueId()
            {
                return queueId;
            }

            @Override
            public long queueOffset()
            {
                return offset;
            }

            @Override
            public long logOffset()
            {
                return offset;
            }

            @Override
            public long bornTimestampMs()
            {
                return 0;
            }

            @Override
            public long storeTimestampMs()
            {
                return 0;
            }

            @Override
            public int reconsumeTimes()
            {
                return 0;
            }

            @Override
            public String producerId()
            {
                return "";
            }
        };
    }
}
