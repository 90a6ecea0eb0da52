package io.rocklet.examples;

import io.rocklet.api.Message;
import io.rocklet.api.TagFilter;
import io.rocklet.store.AppendRequest;
import io.rocklet.store.AppendResult;
import io.rocklet.store.FlushMode;
import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.ReadResult;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.StoredMessage;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The storage engine on its own: opens a persistent store, appends orders to
 * four queues, reads one queue back with a tag filter, finds a message by key and by id, closes the
 * store, reopens it (recovery) and shows the data is still there.
 *
 * <p>Run: {@code java -jar examples/target/rocklet-demo.jar store [data-dir]} (default: a temporary
 * directory, deleted at the end).
 */
public final class StoreDemo
{
    private static final String TOPIC = "orders";
    private static final int QUEUES = 4;
    private static final int MESSAGES = 10_000;

    private StoreDemo()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        run(args.length == 0 ? null : Path.of(args[0]), System.out);
    }

    /**
     * @param dataDirectory where the store lives, or null for a temporary directory deleted at the end.
     * @return the number of messages on disk after the restart.
     */
    static long run(final Path dataDirectory, final PrintStream out) throws IOException
    {
        final boolean temporary = dataDirectory == null;
        final Path directory = temporary ? Files.createTempDirectory("rocklet-demo-") : dataDirectory;
        final StoreConfig config = StoreConfig.builder(directory)
            .segmentSizeBytes(64 * 1024 * 1024)
            .maxBodyBytes(1024 * 1024)
            .flushMode(FlushMode.ASYNC)
            .build();
        try
        {
            final String keyToFind;
            final String idToFind;
            final long started = System.nanoTime();
            try (MessageStore store = MessageStores.open(config))
            {
                out.printf("opened store in %d ms: dir=%s%n", (System.nanoTime() - started) / 1_000_000, directory);
                AppendResult lookup = null;
                final long appendStart = System.nanoTime();
                for (int i = 0; i < MESSAGES; i++)
                {
                    final Message order = Message.builder(TOPIC)
                        .tag(i % 3 == 0 ? "paid" : "created")
                        .key("order-" + i)
                        .property("customer", "c" + (i % 17))
                        .body("{\"order\":" + i + ",\"amount\":" + (i * 7 % 1000) + "}")
                        .build();
                    final AppendResult result = store.append(AppendRequest.of(order, i % QUEUES));
                    if (i == 4242)
                    {
                        lookup = result;
                    }
                }
                final long appendNs = System.nanoTime() - appendStart;
                out.printf("appended %,d messages to %d queues in %d ms%n", MESSAGES, QUEUES,
                    appendNs / 1_000_000);
                keyToFind = "order-4242";
                idToFind = lookup.messageId();

                waitForDispatch(store);
                final ReadResult paid = store.read(TOPIC, 2, 0, 5, 64 * 1024, TagFilter.parse("paid"));
                out.printf("queue 2 has offsets [%d, %d); first 'paid' messages:%n",
                    store.minOffset(TOPIC, 2), store.maxOffset(TOPIC, 2));
                for (final StoredMessage m : paid.messages())
                {
                    out.printf("  offset=%d tag=%s key=%s body=%s%n", m.queueOffset(), m.tag(), m.keys(),
                        text(m));
                }
                final StoredMessage byKey = store.messagesByKey(TOPIC, keyToFind, 0, Long.MAX_VALUE, 1).get(0);
                out.printf("by key %s: queue=%d offset=%d body=%s%n", keyToFind, byKey.queueId(),
                    byKey.queueOffset(), text(byKey));
                out.println("stats: " + store.stats());
            }

            final long reopenStart = System.nanoTime();
            try (MessageStore store = MessageStores.open(config))
            {
                out.printf("reopened in %d ms: %s%n", (System.nanoTime() - reopenStart) / 1_000_000,
                    store.recoveryReport());
                final StoredMessage byId = store.messageById(idToFind).orElseThrow();
                out.printf("by id %s after restart: key=%s body=%s%n", idToFind, byId.keys(), text(byId));
                long total = 0;
                for (int q = 0; q < QUEUES; q++)
                {
                    total += store.maxOffset(TOPIC, q) - store.minOffset(TOPIC, q);
                }
                out.printf("messages on disk after restart: %,d%n", total);
                return total;
            }
        }
        finally
        {
            if (temporary)
            {
                ExampleSupport.deleteTree(directory);
            }
        }
    }

    private static void waitForDispatch(final MessageStore store)
    {
        while (store.dispatchLagBytes() > 0)
        {
            Thread.onSpinWait();
        }
    }

    private static String text(final StoredMessage message)
    {
        return new String(message.bodyBytes(), StandardCharsets.UTF_8);
    }
}
