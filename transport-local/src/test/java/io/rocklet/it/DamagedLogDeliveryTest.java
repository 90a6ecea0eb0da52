package io.rocklet.it;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.embedded.EmbeddedRocklet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A broker restarted on a commit log damaged while it was down (one acknowledged message's bytes changed on
 * disk): it starts, quarantines the damaged record, and consumers get every other message, in order, with
 * the queue's offsets unchanged; the lost one is skipped, never delivered as garbage.
 */
@Timeout(60)
class DamagedLogDeliveryTest
{
    private static final String TOPIC = "ledger";
    private static final String VICTIM = "entry-2-DAMAGE-ME";

    @TempDir
    Path data;

    @Test
    void shouldDeliverEveryIntactMessageWhenOneStoredMessageWasDamagedWhileTheBrokerWasDown() throws Exception
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.persistent(data))
        {
            rocklet.createTopic(TOPIC, 1);
            final Producer producer = rocklet.newProducer("writers");
            for (int i = 0; i < 5; i++)
            {
                producer.send(Message.builder(TOPIC).body(i == 2 ? VICTIM : "entry-" + i).build());
            }
        }
        damageBody(VICTIM);

        try (EmbeddedRocklet reopened = EmbeddedRocklet.persistent(data))
        {
            final Set<String> received = ConcurrentHashMap.newKeySet();
            final List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (PushConsumer consumer = reopened.newPushConsumer(PushConsumerConfig.builder("readers")
                .subscribe(TOPIC, "*")
                .consumeFrom(ConsumeFrom.FIRST)
                .listener(messages ->
                {
                    messages.forEach(m ->
                    {
                        final String body = new String(m.bodyBytes(), StandardCharsets.UTF_8);
                        received.add(body);
                        order.add(m.queueOffset() + ":" + body);
                    });
                    return ConsumeResult.SUCCESS;
                }).build()))
            {
                Await.until(() -> received.size() >= 4, () -> "received " + order);
                reopened.newProducer("writers").send(Message.builder(TOPIC).body("entry-5").build());
                Await.until(() -> received.contains("entry-5"), () -> "received " + order);
            }
            // a concurrent listener may see its batches in any order: compare by offset
            assertEquals(List.of("0:entry-0", "1:entry-1", "3:entry-3", "4:entry-4", "5:entry-5"),
                order.stream().sorted().toList(),
                "intact messages at their offsets, the damaged one skipped, a new one after them");
        }
    }

    /** Changes one byte inside the message body whose text is {@code marker}, in the segment file holding it. */
    private void damageBody(final String marker) throws IOException
    {
        final byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(data))
        {
            for (final Path file : files.filter(p -> p.getParent().getFileName().toString().equals("commitlog"))
                .toList())
            {
                final long at = indexOf(file, needle);
                if (at >= 0)
                {
                    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
                    {
                        raf.seek(at + needle.length - 1);
                        raf.write('!');
                    }
                    return;
                }
            }
        }
        fail("the message to damage is in no segment: " + marker);
    }

    private static long indexOf(final Path file, final byte[] needle) throws IOException
    {
        final byte[] window = new byte[1 << 20];
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r"))
        {
            final int read = raf.read(window); // the test's messages sit at the start of the first segment
            outer:
            for (int i = 0; i + needle.length <= read; i++)
            {
                for (int j = 0; j < needle.length; j++)
                {
                    if (window[i + j] != needle[j])
                    {
                        continue outer;
                    }
                }
                return i;
            }
        }
        return -1;
    }
}
