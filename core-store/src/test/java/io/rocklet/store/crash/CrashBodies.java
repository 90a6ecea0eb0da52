package io.rocklet.store.crash;

import io.rocklet.api.Message;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.CRC32C;

/**
 * The messages the crash and corruption tests write: a body that says who wrote it and checks itself,
 * and keys that name it, so that a reader can tell an intact message from a damaged one and a
 * complete sequence from one with holes.
 *
 * <pre>
 * body (big-endian):
 *   0  4  magic "CRSH"
 *   4  4  run          (one writer process, or one test case)
 *   8  4  thread       (writer thread within the run)
 *  12  8  seq          (per run, thread, topic and queue: 0, 1, 2...)
 *  20  4  topic index  (into {@link #TOPICS})
 *  24  4  queue id
 *  28  .  payload      (random bytes)
 * end-4 4  CRC32C of everything before it
 * </pre>
 */
final class CrashBodies
{
    static final String[] TOPICS = {"crash-a", "crash_b", "CrashC"};
    static final int QUEUES = 4;
    static final int HEADER_BYTES = 28;
    static final int MIN_BODY_BYTES = HEADER_BYTES + 4;
    private static final int MAGIC = 0x43525348;

    /**
     * Who wrote a message and where it was meant to go.
     */
    record Stamp(int run, int thread, long seq, int topicIndex, int queueId)
    {
        String topic()
        {
            return TOPICS[topicIndex];
        }

        /** The key naming exactly this message. */
        String key()
        {
            return "k-" + run + "-" + thread + "-" + topicIndex + "-" + queueId + "-" + seq;
        }

        /** The key shared by every message of a writer thread (so records carry several keys). */
        String threadKey()
        {
            return "w-" + thread;
        }
    }

    private CrashBodies()
    {
    }

    /**
     * @param payloadBytes random bytes between the header and the checksum.
     */
    static byte[] encode(final Stamp stamp, final int payloadBytes, final Random random)
    {
        final byte[] body = new byte[HEADER_BYTES + payloadBytes + 4];
        final ByteBuffer buffer = ByteBuffer.wrap(body);
        buffer.putInt(MAGIC).putInt(stamp.run()).putInt(stamp.thread()).putLong(stamp.seq())
            .putInt(stamp.topicIndex()).putInt(stamp.queueId());
        for (int i = HEADER_BYTES; i < HEADER_BYTES + payloadBytes; i++)
        {
            body[i] = (byte)(1 + random.nextInt(255)); // never zero: a zeroed page always shows
        }
        buffer.putInt(body.length - 4, crc(body, body.length - 4));
        return body;
    }

    /**
     * @return the stamp of an intact body, or null when the body is damaged or not one of ours.
     */
    static Stamp decode(final byte[] body)
    {
        if (body.length < MIN_BODY_BYTES)
        {
            return null;
        }
        final ByteBuffer buffer = ByteBuffer.wrap(body);
        if (buffer.getInt(0) != MAGIC || buffer.getInt(body.length - 4) != crc(body, body.length - 4))
        {
            return null;
        }
        final int topicIndex = buffer.getInt(20);
        final int queueId = buffer.getInt(24);
        if (topicIndex < 0 || topicIndex >= TOPICS.length)
        {
            return null;
        }
        return new Stamp(buffer.getInt(4), buffer.getInt(8), buffer.getLong(12), topicIndex, queueId);
    }

    /**
     * @return the message for {@code stamp}: its body, its two keys and a tag.
     */
    static Message message(final Stamp stamp, final int payloadBytes, final Random random)
    {
        return Message.builder(stamp.topic())
            .tag("tag" + (stamp.seq() % 3))
            .keys(stamp.key(), stamp.threadKey())
            .body(encode(stamp, payloadBytes, random))
            .build();
    }

    private static int crc(final byte[] bytes, final int length)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int)crc.getValue();
    }
}
