package io.rocklet.benchmarks.local;

import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.benchmarks.store.Results;
import io.rocklet.embedded.EmbeddedRocklet;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Send throughput through an embedded broker: {@link Producer#send} from 1 and from 4 threads, and
 * {@link Producer#sendAsync} from one thread with at most {@link LocalSettings#asyncOutstanding()} futures
 * not yet completed (a semaphore). Each figure uses a fresh ephemeral instance (ASYNC flush) whose topic
 * {@link LocalBench#TOPIC} was created with 4 queues, one producer shared by the sending threads, and a new
 * {@link Message} per send (128-byte body, one shared array). The senders run for the warm-up, then the
 * messages completed during the measurement are counted; no consumer is attached.
 */
final class SendScenario
{
    private final LocalSettings settings;
    private final Results results;

    SendScenario(final LocalSettings settings, final Results results)
    {
        this.settings = settings;
        this.results = results;
    }

    /**
     * {@code local.send.128b.sync.t<threads>}.
     */
    void sync(final int threads) throws InterruptedException
    {
        final String name = "local.send.128b.sync.t" + threads;
        final List<AtomicLong> counters = new ArrayList<>();
        for (int i = 0; i < threads; i++)
        {
            counters.add(new AtomicLong());
        }
        run(name, threads, counters, (producer, body, running, index) ->
        {
            final AtomicLong sent = counters.get(index);
            while (running.get())
            {
                producer.send(Message.of(LocalBench.TOPIC, body));
                sent.lazySet(sent.get() + 1);
            }
        }, "Producer.send from " + threads + " thread(s), one shared producer");
    }

    /**
     * {@code local.send.128b.async}.
     */
    void async() throws InterruptedException
    {
        final int outstanding = settings.asyncOutstanding();
        final AtomicLong completed = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final Semaphore permits = new Semaphore(outstanding);
        run("local.send.128b.async", 1, List.of(completed), (producer, body, running, index) ->
        {
            while (running.get())
            {
                permits.acquireUninterruptibly();
                producer.sendAsync(Message.of(LocalBench.TOPIC, body)).whenComplete((receipt, error) ->
                {
                    if (error == null)
                    {
                        completed.incrementAndGet();
                    }
                    else
                    {
                        failed.incrementAndGet();
                    }
                    permits.release();
                });
            }
            permits.acquireUninterruptibly(outstanding);
            if (failed.get() > 0)
            {
                throw new IllegalStateException("async sends failed: failed=" + failed.get() + ", completed=" +
                    completed.get());
            }
        }, "Producer.sendAsync from one thread, at most " + outstanding + " futures outstanding");
    }

    @FunctionalInterface
    private interface SendLoop
    {
        void run(Producer producer, byte[] body, AtomicBoolean running, int index) throws Exception;
    }

    private void run(final String name, final int threads, final List<AtomicLong> counters, final SendLoop loop,
        final String how) throws InterruptedException
    {
        try (EmbeddedRocklet rocklet = EmbeddedRocklet.ephemeral())
        {
            LocalBench.createTopic(rocklet);
            final Producer producer = rocklet.newProducer("bench-send");
            final byte[] body = LocalBench.body(0, 0);
            results.note("%s: %s; %d B bodies, topic %s with %d queues, warm-up %d ms, measure %d ms; %s", name, how,
                LocalBench.BODY_BYTES, LocalBench.TOPIC, LocalBench.QUEUES, settings.sendWarmupMs(),
                settings.sendMeasureMs(), LocalBench.storeSettings(rocklet));
            final AtomicBoolean running = new AtomicBoolean(true);
            final AtomicReference<Throwable> error = new AtomicReference<>();
            final List<Thread> senders = new ArrayList<>();
            for (int i = 0; i < threads; i++)
            {
                final int index = i;
                final Thread sender = new Thread(() ->
                {
                    try
                    {
                        loop.run(producer, body, running, index);
                    }
                    catch (final Throwable e)
                    {
                        error.compareAndSet(null, e);
                        running.set(false);
                    }
                }, "bench-sender-" + i);
                senders.add(sender);
            }
            senders.forEach(Thread::start);
            Thread.sleep(settings.sendWarmupMs());
            final long startCount = sum(counters);
            final long start = System.nanoTime();
            Thread.sleep(settings.sendMeasureMs());
            final long endCount = sum(counters);
            final long end = System.nanoTime();
            running.set(false);
            for (final Thread sender : senders)
            {
                sender.join(TimeUnit.SECONDS.toMillis(30));
            }
            if (error.get() != null)
            {
                throw new IllegalStateException(name + ": a sender failed: " + error.get(), error.get());
            }
            final long total = sum(counters);
            results.report(name, (endCount - startCount) * 1e9 / (end - start), "msgs/s");
            results.note("%s: %d messages in the measurement, %d sent in all", name, endCount - startCount, total);
        }
    }

    private static long sum(final List<AtomicLong> counters)
    {
        long sum = 0;
        for (final AtomicLong counter : counters)
        {
            sum += counter.get();
        }
        return sum;
    }
}
