package io.rocklet.benchmarks.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rocklet.api.Message;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.api.spi.BrokerService.SendRequest;
import io.rocklet.benchmarks.store.Results;
import io.rocklet.broker.Broker;
import io.rocklet.broker.BrokerConfig;
import io.rocklet.store.StoreConfig;
import io.rocklet.store.internal.file.JvmFlags;
import io.rocklet.transport.local.LocalTransport;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the broker's metrics cost on the hot paths (issue 14): an embedded broker (ephemeral store, ASYNC flush, no
 * router) sends and pulls 128-byte messages on the calling thread, once without a registry and once with a
 * Prometheus registry (the server's). Figures, {@code off} and {@code on}:
 * <ul>
 *   <li>{@code metrics.send.alloc_bytes_per_msg}: bytes the sending thread allocated per {@code Broker.send}
 *   ({@code ThreadMXBean.getCurrentThreadAllocatedBytes}); the difference is the metrics' own allocation;</li>
 *   <li>{@code metrics.pull.alloc_bytes_per_msg}: the same per message pulled (batches of 32);</li>
 *   <li>{@code metrics.send.msgs_per_s} and the ratio {@code metrics.send.throughput_ratio} (on / off).</li>
 * </ul>
 * A first round without a registry warms the JIT up and is not counted; each measured round starts with a warm-up
 * tenth (meters created). Options:
 * {@code --quick} (fewer messages), {@code --messages N}.
 */
public final class MetricsOverhead
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    private static final String TOPIC = "metrics-bench";
    private static final int QUEUES = 4;
    private static final int BATCH = 32;

    private MetricsOverhead()
    {
    }

    public static void main(final String[] args)
    {
        final List<String> missing = JvmFlags.missing();
        if (!missing.isEmpty())
        {
            System.err.println("the store needs the Chronicle JVM flags, missing: " + String.join(" ", missing));
            System.exit(2);
        }
        int messages = 400_000;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--quick" -> messages = 40_000;
                case "--messages" -> messages = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option: " + args[i] +
                    ", known: --quick, --messages N");
            }
        }
        final Results results = new Results(System.out);
        results.note("metrics overhead: embedded broker, ephemeral store (ASYNC, no fsync), 128 B bodies, %d " +
            "messages over %d queues, send and pull on the calling thread; 'on' = a PrometheusMeterRegistry", messages,
            QUEUES);
        measure(null, messages, results);                          // a whole round first: the JIT's, not counted
        final Round off = measure(null, messages, results);
        final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        final Round on = measure(prometheus, messages, results);
        prometheus.close();
        results.report("metrics.send.alloc_bytes_per_msg.off", off.sendAllocPerMessage, "B/msg");
        results.report("metrics.send.alloc_bytes_per_msg.on", on.sendAllocPerMessage, "B/msg");
        results.report("metrics.pull.alloc_bytes_per_msg.off", off.pullAllocPerMessage, "B/msg");
        results.report("metrics.pull.alloc_bytes_per_msg.on", on.pullAllocPerMessage, "B/msg");
        results.report("metrics.send.msgs_per_s.off", off.sendPerSecond, "msgs/s");
        results.report("metrics.send.msgs_per_s.on", on.sendPerSecond, "msgs/s");
        results.report("metrics.send.throughput_ratio", on.sendPerSecond / off.sendPerSecond, "ratio");
    }

    /** One mode's figures. */
    private record Round(double sendAllocPerMessage, double pullAllocPerMessage, double sendPerSecond)
    {
    }

    private static Round measure(final PrometheusMeterRegistry registry, final int messages, final Results results)
    {
        final LocalTransport transport = new LocalTransport();
        final BrokerConfig.Builder config = BrokerConfig.builder().brokerName("bench-metrics")
            .address("local://bench-metrics").storeConfig(StoreConfig.ephemeralBuilder().build());
        if (registry != null)
        {
            config.meterRegistry(registry);
        }
        try (Broker broker = Broker.start(config.build(), transport))
        {
            final Message message = Message.builder(TOPIC).body(new String(new byte[128], StandardCharsets.US_ASCII)
                .replace('\0', 'x')).build();
            sendAll(broker, message, messages / 10);                           // warm-up: meters created, JIT
            pullAll(broker, messages / 10, 0);
            final long sendStartBytes = THREADS.getCurrentThreadAllocatedBytes();
            final long sendStartNs = System.nanoTime();
            sendAll(broker, message, messages);
            final long sendNs = System.nanoTime() - sendStartNs;
            final long sendBytes = THREADS.getCurrentThreadAllocatedBytes() - sendStartBytes;
            final long offset = (messages / 10) / QUEUES;
            final long pullStartBytes = THREADS.getCurrentThreadAllocatedBytes();
            final int pulled = pullAll(broker, messages, offset);
            final long pullBytes = THREADS.getCurrentThreadAllocatedBytes() - pullStartBytes;
            if (registry != null)
            {
                results.note("scrape after the 'on' round: %d bytes of Prometheus text", registry.scrape().length());
            }
            return new Round((double)sendBytes / messages, (double)pullBytes / pulled,
                messages / (sendNs / 1e9));
        }
        finally
        {
            transport.close();
        }
    }

    private static void sendAll(final Broker broker, final Message message, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            broker.send(new SendRequest("bench", "bench-1", message, i % QUEUES, 0, 0)).join();
        }
    }

    /**
     * Pulls {@code count} messages from the queues, each from {@code offset}, waiting for the dispatcher as needed.
     *
     * @return the messages pulled.
     */
    private static int pullAll(final Broker broker, final int count, final long offset)
    {
        final long[] next = new long[QUEUES];
        java.util.Arrays.fill(next, offset);
        int pulled = 0;
        int queue = 0;
        while (pulled < count)
        {
            final PullResult result = broker.pull(new PullRequest("bench-group", TOPIC, queue, next[queue], BATCH, "*",
                1_000)).join();
            pulled += result.messages().size();
            next[queue] = result.nextOffset();
            queue = (queue + 1) % QUEUES;
        }
        return pulled;
    }
}
