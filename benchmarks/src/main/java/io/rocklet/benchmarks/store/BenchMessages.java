package io.rocklet.benchmarks.store;

import io.rocklet.api.Message;
import io.rocklet.store.AppendRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The messages every scenario appends: one topic, no tag, keys or properties, a body of the given
 * size filled with random bytes (fixed seed), one reusable request per queue.
 */
public final class BenchMessages
{
    /** The topic all scenarios write to. */
    public static final String TOPIC = "bench";
    /** How many queues the scenarios spread messages over. */
    public static final int QUEUES = 4;

    /** Bytes of a stored record around the body: the 80-byte header and the topic name. */
    public static final int RECORD_OVERHEAD_BYTES = 80 + TOPIC.length();

    private BenchMessages()
    {
    }

    /**
     * @param bodyBytes the body size.
     * @return a body of {@code bodyBytes} random bytes (same bytes every run).
     */
    public static byte[] body(final int bodyBytes)
    {
        final byte[] body = new byte[bodyBytes];
        new Random(42).nextBytes(body);
        return body;
    }

    /**
     * @param bodyBytes the body size.
     * @return one request per queue (0 to {@link #QUEUES} - 1) sharing one message.
     */
    public static List<AppendRequest> requests(final int bodyBytes)
    {
        final Message message = Message.of(TOPIC, body(bodyBytes));
        final List<AppendRequest> requests = new ArrayList<>(QUEUES);
        for (int queueId = 0; queueId < QUEUES; queueId++)
        {
            requests.add(AppendRequest.of(message, queueId));
        }
        return requests;
    }
}
