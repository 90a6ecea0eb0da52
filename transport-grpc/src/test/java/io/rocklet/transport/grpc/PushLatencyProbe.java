package io.rocklet.transport.grpc;

import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.ReceivedMessage;
import io.rocklet.api.RockletClient;
import io.rocklet.api.TopicConfig;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A rough comparison of push delivery with streamed pulls and with unary long-poll pulls, over mutual TLS on
 * 127.0.0.1 in one JVM (numbers only as a note; nothing is asserted): send-to-listener latency at a low rate, then
 * the time to drain a burst sent without waiting. Run from the test classpath:
 * {@code java -cp ... io.rocklet.transport.grpc.PushLatencyProbe [messages] [ratePerSecond] [burst] [rounds]}.
 */
final class PushLatencyProbe
{
    /** Sends of the burst in flight at once. */
    private static final int SEND_WINDOW = 64;

    private PushLatencyProbe()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int messages = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        final int rate = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        final int burst = args.length > 2 ? Integer.parseInt(args[2]) : 5_000;
        final int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        for (int round = 0; round < rounds; round++)
        {
            for (final boolean streaming : new boolean[] {true, false})
            {
                System.out.println(probe(streaming, messages, rate, burst));
            }
        }
    }

    private static String probe(final boolean streaming, final int messages, final int rate, final int burst)
        throws Exception
    {
        try (GrpcCluster cluster = new GrpcCluster(TestTls.settings(TestTls.node(true)).build(),
            TestTls.settings(TestTls.client()).streamingPull(streaming).build(), null, UnaryOperator.identity()))
        {
            final RockletClient client = cluster.newClient();
            client.admin().createTopic(TopicConfig.of("probe", 4));
            final Map<String, Long> sentAt = new ConcurrentHashMap<>();
            final long[] latencies = new long[messages];
            final CountDownLatch slow = new CountDownLatch(messages);
            final CountDownLatch fast = new CountDownLatch(burst);
            final PushConsumer consumer = client.newPushConsumer(PushConsumerConfig.builder("probe")
                .subscribe("probe", "*")
                .listener(batch ->
                {
                    final long now = System.nanoTime();
                    for (final ReceivedMessage message : batch)
                    {
                        final String body = new String(message.bodyBytes(), StandardCharsets.UTF_8);
                        if (body.startsWith("s-"))
                        {
                            latencies[Integer.parseInt(body.substring(2))] = now - sentAt.get(body);
                            slow.countDown();
                        }
                        else
                        {
                            fast.countDown();
                        }
                    }
                    return ConsumeResult.SUCCESS;
                }).build());
            Await.until(() -> cluster.served.heldPulls("probe", "probe") == 4, () -> "consumer not pulling");
            final Producer producer = cluster.newClient().newProducer(ProducerConfig.builder("probe").build());
            producer.send(Message.builder("warm-up").body("connections").build());

            final long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
            long next = System.nanoTime();
            for (int i = 0; i < messages; i++)
            {
                while (System.nanoTime() < next)
                {
                    Thread.onSpinWait();
                }
                next += periodNanos;
                final String body = "s-" + i;
                sentAt.put(body, System.nanoTime());
                producer.send(Message.builder("probe").body(body).build());
            }
            slow.await(60, TimeUnit.SECONDS);

            final long burstStart = System.nanoTime();
            final Semaphore window = new Semaphore(SEND_WINDOW);
            final AtomicInteger failed = new AtomicInteger();
            for (int i = 0; i < burst; i++)
            {
                window.acquire();
                producer.sendAsync(Message.builder("probe").body("f-" + i).build())
                    .whenComplete((receipt, error) ->
                    {
                        window.release();
                        if (error != null)
                        {
                            failed.incrementAndGet();
                            fast.countDown(); // never to be received
                        }
                    });
            }
            fast.await(120, TimeUnit.SECONDS);
            final long burstMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - burstStart);
            consumer.close();

            Arrays.sort(latencies);
            return String.format("%s: %d msgs at %d/s send->listener p50=%.2f ms p90=%.2f ms p99=%.2f ms max=%.2f ms;"
                    + " burst of %d (%d sends failed) drained in %d ms; calls Pull=%d Subscribe=%d",
                streaming ? "streaming" : "unary    ", messages, rate, ms(latencies, 0.50), ms(latencies, 0.90),
                ms(latencies, 0.99), ms(latencies, 1.0), burst, failed.get(), burstMs,
                cluster.served.callsStarted("Pull"), cluster.served.callsStarted("Subscribe"));
        }
    }

    private static double ms(final long[] sorted, final double quantile)
    {
        final int index = Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1_000_000.0;
    }
}
