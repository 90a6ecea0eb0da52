package io.rocklet.store.crash;

import io.rocklet.api.TagFilter;
import io.rocklet.store.MessageStore;
import io.rocklet.store.ReadResult;
import io.rocklet.store.ReadStatus;
import io.rocklet.store.StoredMessage;
import io.rocklet.store.crash.CrashBodies.Stamp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Reads every queue of a store written with {@link CrashBodies} from its first to its last offset and
 * checks what must hold whatever happened to the process or the files:
 * <ul>
 *   <li>dense: the reads return queue offsets min, min+1, ... max-1 and nothing else;</li>
 *   <li>intact: every body's checksum holds, and it sits in the topic and queue it was written to;</li>
 *   <li>prefix: per (queue, run, thread) the sequences are 0, 1, 2... with no gap, so nothing written
 *       after a lost record is visible;</li>
 *   <li>ordered: runs follow each other in every queue (run r+1 appends after run r).</li>
 * </ul>
 */
final class StoreVerifier
{
    /** What the queues hold: "topic:queueId" to the stamps from the min offset on. */
    record Contents(Map<String, List<Stamp>> queues, Map<String, Long> minOffsets)
    {
        Stamp at(final String topic, final int queueId, final long queueOffset)
        {
            final String name = topic + ":" + queueId;
            final List<Stamp> stamps = queues.get(name);
            final long min = minOffsets.getOrDefault(name, 0L);
            if (stamps == null || queueOffset < min || queueOffset - min >= stamps.size())
            {
                return null;
            }
            return stamps.get((int)(queueOffset - min));
        }

        long messageCount()
        {
            return queues.values().stream().mapToLong(List::size).sum();
        }
    }

    private StoreVerifier()
    {
    }

    static Contents verify(final MessageStore store)
    {
        final Map<String, List<Stamp>> queues = new TreeMap<>();
        final Map<String, Long> minOffsets = new HashMap<>();
        for (final String topic : store.topics())
        {
            for (final int queueId : store.queueIds(topic))
            {
                final String name = topic + ":" + queueId;
                final long min = store.minOffset(topic, queueId);
                queues.put(name, readQueue(store, topic, queueId, min));
                minOffsets.put(name, min);
            }
        }
        return new Contents(queues, minOffsets);
    }

    private static List<Stamp> readQueue(final MessageStore store, final String topic, final int queueId,
        final long min)
    {
        final long max = store.maxOffset(topic, queueId);
        final String name = topic + ":" + queueId;
        assertTrue(min <= max, () -> "min after max: queue=" + name + ", min=" + min + ", max=" + max);
        final List<Stamp> stamps = new ArrayList<>((int)(max - min));
        final Map<Long, Long> nextSeq = new HashMap<>(); // (run, thread) -> next expected seq
        int lastRun = Integer.MIN_VALUE;
        long expected = min;
        boolean lost = false;
        while (expected < max)
        {
            final ReadResult read = store.read(topic, queueId, expected, 256, 1 << 20, TagFilter.ALL);
            final long at = expected;
            if (read.status() == ReadStatus.DAMAGED_MESSAGE)
            {
                // a record lost to damage: an error for that record only, the next offset follows it
                assertEquals(at + 1, read.nextOffset(), () -> "damaged entry does not lead to the next: queue=" + name);
                lost = true;
                nextSeq.clear();
                expected++;
                continue;
            }
            assertEquals(ReadStatus.FOUND, read.status(), () -> "read failed: queue=" + name + ", offset=" + at +
                ", max=" + max + ", result=" + read);
            for (final StoredMessage message : read.messages())
            {
                final long offset = expected;
                assertEquals(offset, message.queueOffset(), () -> "queue not dense: queue=" + name);
                assertEquals(queueId, message.queueId(), () -> "wrong queue: queue=" + name + ", offset=" + offset);
                final Stamp stamp = CrashBodies.decode(message.bodyBytes());
                assertNotNull(stamp, () -> "damaged body: queue=" + name + ", offset=" + offset + ", message=" +
                    message);
                assertEquals(topic, stamp.topic(), () -> "message in the wrong topic: queue=" + name + ", " + stamp);
                assertEquals(queueId, stamp.queueId(), () -> "message in the wrong queue: queue=" + name + ", " +
                    stamp);
                assertTrue(message.keys().contains(stamp.key()), () -> "keys lost: queue=" + name + ", " + stamp +
                    ", keys=" + message.keys());
                assertTrue(stamp.run() >= lastRun, () -> "runs out of order: queue=" + name + ", offset=" + offset +
                    ", " + stamp);
                lastRun = stamp.run();
                final long writer = ((long)stamp.run() << 32) | stamp.thread();
                final long next = nextSeq.getOrDefault(writer, -1L);
                if (next >= 0)
                {
                    assertEquals(next, stamp.seq(), () -> "gap or repeat in a writer's sequence: queue=" + name +
                        ", offset=" + offset + ", " + stamp);
                }
                else
                {
                    // the first of a writer seen in this queue: a prefix starts at 0, unless retention cut it
                    final boolean afterLoss = lost;
                    assertTrue(stamp.seq() == 0 || min > 0 || afterLoss, () -> "writer's sequence does not start at 0: queue=" +
                        name + ", offset=" + offset + ", " + stamp);
                }
                nextSeq.put(writer, stamp.seq() + 1);
                stamps.add(stamp);
                expected++;
            }
            assertEquals(expected, read.nextOffset(), () -> "next offset does not follow the messages: queue=" + name);
        }
        final ReadResult end = store.read(topic, queueId, max, 1, 1 << 20, TagFilter.ALL);
        assertEquals(ReadStatus.NO_NEW_MESSAGES, end.status(), () -> "something beyond max: queue=" + name);
        return stamps;
    }
}
