package io.rocklet.store.crash;

import io.rocklet.store.AppendRequest;
import io.rocklet.store.AppendResult;
import io.rocklet.store.FlushMode;
import io.rocklet.store.MessageStore;
import io.rocklet.store.MessageStores;
import io.rocklet.store.RecoveryReport;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.crash.CrashBodies.Stamp;
import io.rocklet.store.internal.file.JvmFlags;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process the crash test kills: opens a store, then appends from several threads until it is
 * killed, printing one line per acknowledged append. Every line is written whole and flushed before
 * the writer appends again, so the lines the test has read are a lower bound of what was acknowledged.
 *
 * <pre>
 * java CrashWriter &lt;dir&gt; &lt;SYNC|ASYNC&gt; &lt;run&gt; &lt;seed&gt; &lt;threads&gt;
 *     &lt;checkpointIntervalMs&gt;
 *
 * stdout:
 *   OPEN &lt;cleanShutdown&gt; &lt;droppedBytes&gt; &lt;droppedRecords&gt; &lt;rebuiltQueues&gt;
 *     &lt;rebuiltIndexFiles&gt; .
 *   ACK &lt;topicIndex&gt; &lt;queueId&gt; &lt;queueOffset&gt; &lt;run&gt; &lt;thread&gt; &lt;seq&gt;
 *     &lt;logOffset&gt; .
 *   FAIL &lt;thread&gt; &lt;error&gt; .
 * </pre>
 *
 * The trailing "." marks a complete line. The writer stops by itself when its stdin closes (the test
 * JVM died) or after {@link #MAX_ACKS} appends.
 */
public final class CrashWriter
{
    static final int SEGMENT_BYTES = 256 * 1024;
    static final int MAX_BODY_BYTES = 16 * 1024;
    static final int MAX_ACKS = 1_000_000;

    private final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false,
        StandardCharsets.US_ASCII);
    private final AtomicLong acks = new AtomicLong();

    private CrashWriter()
    {
    }

    /**
     * The store layout every process of a crash battery uses (the store refuses a different one).
     */
    static StoreConfig.Builder config(final Path directory, final FlushMode flushMode)
    {
        return StoreConfig.builder(directory)
            .segmentSizeBytes(SEGMENT_BYTES)
            .maxBodyBytes(MAX_BODY_BYTES)
            .consumeQueueEntriesPerFile(64)
            .indexSlotsPerFile(256)
            .indexEntriesPerFile(1024)
            .flushMode(flushMode)
            .flushInterval(Duration.ofMillis(50))
            .syncFlushTimeout(Duration.ofSeconds(30));
    }

    /**
     * @return payload bytes for one message: mostly small, some large enough to roll segments early.
     */
    static int payloadBytes(final Random random)
    {
        final int dice = random.nextInt(100);
        if (dice < 90)
        {
            return random.nextInt(400);
        }
        return dice < 99 ? 400 + random.nextInt(2600) : 3000 + random.nextInt(9000);
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length != 6)
        {
            System.err.println("usage: CrashWriter <dir> <SYNC|ASYNC> <run> <seed> <threads> <checkpointIntervalMs>");
            Runtime.getRuntime().halt(64);
        }
        new CrashWriter().run(Path.of(args[0]), FlushMode.valueOf(args[1]), Integer.parseInt(args[2]),
            Long.parseLong(args[3]), Integer.parseInt(args[4]), Long.parseLong(args[5]));
    }

    private void run(final Path directory, final FlushMode flushMode, final int run, final long seed,
        final int threadCount, final long checkpointIntervalMs) throws IOException
    {
        final MessageStore store = MessageStores.open(config(directory, flushMode)
            .checkpointInterval(Duration.ofMillis(checkpointIntervalMs)).build());
        final RecoveryReport report = store.recoveryReport();
        line("OPEN " + report.cleanShutdown() + " " + report.droppedBytes() + " " + report.droppedRecords() + " " +
            report.rebuiltQueues().size() + " " + report.rebuiltIndexFiles().size());
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < threadCount; t++)
        {
            final int thread = t;
            final Thread writer = new Thread(() -> write(store, run, thread, new Random(seed * 31 + thread)),
                "crash-writer-" + t);
            writer.setDaemon(true);
            threads.add(writer);
        }
        threads.forEach(Thread::start);
        // the test never writes to stdin; end of stdin means the test JVM is gone
        while (System.in.read() >= 0)
        {
        }
        Runtime.getRuntime().halt(2);
    }

    private void write(final MessageStore store, final int run, final int thread, final Random random)
    {
        final long[][] seqs = new long[CrashBodies.TOPICS.length][CrashBodies.QUEUES];
        try
        {
            while (acks.incrementAndGet() <= MAX_ACKS)
            {
                final int topicIndex = random.nextInt(CrashBodies.TOPICS.length);
                final int queueId = random.nextInt(CrashBodies.QUEUES);
                final Stamp stamp = new Stamp(run, thread, seqs[topicIndex][queueId], topicIndex, queueId);
                final AppendResult result = store.append(
                    AppendRequest.of(CrashBodies.message(stamp, payloadBytes(random), random), queueId));
                seqs[topicIndex][queueId]++;
                line("ACK " + topicIndex + " " + queueId + " " + result.queueOffset() + " " + run + " " + thread +
                    " " + stamp.seq() + " " + result.logOffset());
            }
        }
        catch (final RuntimeException e)
        {
            line("FAIL " + thread + " " + e.toString().replace('\n', ' '));
        }
    }

    private synchronized void line(final String text)
    {
        out.print(text + " .\n");
        out.flush();
        if (out.checkError())
        {
            Runtime.getRuntime().halt(3); // nobody reads our acknowledgements any more
        }
    }

    /**
     * @return the command that starts a writer in a new JVM with this JVM's class path.
     */
    static List<String> command(final Path directory, final FlushMode flushMode, final int run, final long seed,
        final int threads, final long checkpointIntervalMs)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(JvmFlags.ALL_FLAGS.split(" ")));
        command.add("-Xmx128m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Dchronicle.analytics.disable=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CrashWriter.class.getName());
        command.addAll(List.of(directory.toString(), flushMode.name(), Integer.toString(run), Long.toString(seed),
            Integer.toString(threads), Long.toString(checkpointIntervalMs)));
        return command;
    }
}
