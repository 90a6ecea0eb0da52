package io.rocklet.client.consumer;

import io.rocklet.api.MessageView;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A stored message as the fake broker hands it out.
 */
record TestMessage(String messageId, String topic, String tag, Map<String, String> properties, byte[] bytes,
    int queueId, long queueOffset, long storeTimestampMs, int reconsumeTimes) implements MessageView
{
    /**
     * @return a fake offset id: the unique one reversed.
     */
    @Override
    public String offsetMessageId()
    {
        return new StringBuilder(messageId).reverse().toString();
    }

    @Override
    public List<String> keys()
    {
        return List.of();
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
    public long logOffset()
    {
        return queueOffset;
    }

    @Override
    public long bornTimestampMs()
    {
        return storeTimestampMs;
    }

    @Override
    public String producerId()
    {
        return "";
    }

    String text()
    {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
