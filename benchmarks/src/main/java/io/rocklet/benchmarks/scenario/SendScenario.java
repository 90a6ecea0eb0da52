package io.rocklet.benchmarks.scenario;

import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.TransactionProducer;
import io.rocklet.api.TransactionResolution;
import io.rocklet.benchmarks.store.Results;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Send throughput: {@link Producer#send} from 1 and from 4 threads, {@link Producer#sendAsync} from one thread
 * with at most {@link LoadSettings#asyncOutstanding()} futures not yet completed (a semaphore), and
 * {@link Producer#send(List)} batches of {@link LoadSettings#batchSize()} from {@link LoadSettings#batchThreads()}
 * threads, and transactions committed at once ({@link #commit}). Each figure opens a session of its own on the target (a topic of 4 queues), one producer shared by the
 * sending threads, and a new {@link Message} per send (128-byte body, one shared array). The senders run for the
 * warm-up, then the messages completed during the measurement are counted; no consumer is attached.
 */
public final class SendScenario
{
    private final BenchTarget target;
    private final LoadSettings settings;
    private final Results results;

    public SendScenario(final BenchTarget target, final LoadSettings settings, final Results results)
    {
        this.target = target;
        this.settings = settings;
        this.results = results;
    }

    /**
     * {@code <target>.send.128b.sync.t<threads>}.
     */
    public void sync(final int threads) throws InterruptedException
    {
        sync(threads, target.name() + ".send.128b.sync.t" + threads);
    }

    /**
     * {@link Producer#send} from {@code threads} threads, reported as {@code name}.
     */
    public void sync(final int threads, final String name) throws InterruptedException
    {
        run(name, threads, ProducerConfig.builder("bench-send").build(), (producer, topic, body, running, sent) ->
        {
            while (running.get())
            {
                producer.send(Message.of(topic, body));
                sent.lazySet(sent.get() + 1);
            }
        }, "Producer.send from " + threads + " thread(s), one shared producer");
    }

    /**
     * {@code <target>.send.128b.async}.
     */
    public void async() throws InterruptedException
    {
        async(".send.128b.async", ProducerConfig.builder("bench-send").build());
    }

    /**
     * {@code <target>.send.128b.async_batched}: the same with {@link ProducerConfig#autoBatch()} on (default linger
     * and sizes), and {@code <target>.send.async_vs_sync}: that figure over the same run's sync t1 figure when it was
     * measured.
     */
    public void asyncBatched() throws InterruptedException
    {
        final String name = target.name() + ".send.128b.async_batched";
        async(".send.128b.async_batched", ProducerConfig.builder("bench-send").autoBatch(true).build());
        final java.util.OptionalDouble sync = results.value(target.name() + ".send.128b.sync.t1");
        final java.util.OptionalDouble batched = results.value(name);
        if (sync.isPresent() && batched.isPresent() && sync.getAsDouble() > 0)
        {
            results.report(target.name() + ".send.async_vs_sync", batched.getAsDouble() / sync.getAsDouble(), "ratio");
        }
    }

    private void async(final String suffix, final ProducerConfig config) throws InterruptedException
    {
        final int outstanding = settings.asyncOutstanding();
        final AtomicLong failed = new AtomicLong();
        final Semaphore permits = new Semaphore(outstanding);
        run(target.name() + suffix, 1, config, (producer, topic, body, running, completed) ->
        {
            while (running.get())
            {
                permits.acquireUninterruptibly();
                producer.sendAsync(Message.of(topic, body)).whenComplete((receipt, error) ->
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
        }, "Producer.sendAsync from one thread, at most " + outstanding + " futures outstanding" +
            (config.autoBatch() ? ", autoBatch (linger " + config.batchLinger().toMillis() + " ms, at most " +
            config.batchMaxMessages() + " messages)" : ""));
    }

    /**
     * {@code <target>.send.128b.batch}: {@link Producer#send(List)} (one topic, one queue per batch, waits for the
     * broker's answer) from several threads, so that batches are pipelined.
     */
    public void batch() throws InterruptedException
    {
        final int size = settings.batchSize();
        run(target.name() + ".send.128b.batch", settings.batchThreads(), ProducerConfig.builder("bench-send").build(),
            (producer, topic, body, running, sent) ->
        {
            while (running.get())
            {
                final List<Message> batch = new ArrayList<>(size);
                for (int i = 0; i < size; i++)
                {
                    batch.add(Message.of(topic, body));
                }
                producer.send(batch);
                sent.lazySet(sent.get() + size);
            }
        }, "Producer.send(List) of " + size + " messages from " + settings.batchThreads() +
            " thread(s), one shared producer");
    }

    /**
     * {@code <name>}: transactions from {@code threads} threads sharing one {@link TransactionProducer}, each a half
     * message sent synchronously ({@link TransactionProducer#begin}) and committed at once; counted when committed.
     */
    public void commit(final int threads, final String name) throws InterruptedException
    {
        final AtomicReference<TransactionProducer> transactions = new AtomicReference<>();
        run(name, threads, ProducerConfig.builder("bench-send").build(), session -> transactions.set(
            session.client().newTransactionProducer(ProducerConfig.builder("bench-txn").build(),
                (message, id) -> TransactionResolution.COMMIT)),
            (producer, topic, body, running, sent) ->
            {
                final TransactionProducer transactional = transactions.get();
                while (running.get())
                {
                    transactional.begin(Message.of(topic, body)).commit();
                    sent.lazySet(sent.get() + 1);
                }
            }, "TransactionProducer.begin then Transaction.commit from " + threads + " thread(s), one shared " +
                "transactional producer");
    }

    /** One sending thread's loop; counts what completed in {@code sent} (that thread's own counter). */
    @FunctionalInterface
    private interface SendLoop
    {
        void run(Producer producer, String topic, byte[] body, AtomicBoolean running, AtomicLong sent)
            throws Exception;
    }

    private void run(final String name, final int threads, final ProducerConfig config, final SendLoop loop,
        final String how) throws InterruptedException
    {
        run(name, threads, config, session -> { }, loop, how);
    }

    private void run(final String name, final int threads, final ProducerConfig config,
        final Consumer<BenchSession> setup, final SendLoop loop, final String how) throws InterruptedException
    {
        try (BenchSession session = target.open(name))
        {
            setup.accept(session);
            final Producer producer = session.newProducer(config);
            final byte[] body = Bodies.body(0, 0);
            results.note("%s: %s; %d B bodies, topic %s with %d queues, warm-up %d ms, measure %d ms; %s", name, how,
                Bodies.BYTES, session.topic(), BenchSession.QUEUES, settings.sendWarmupMs(), settings.sendMeasureMs(),
                session.describe());
            final AtomicBoolean running = new AtomicBoolean(true);
            final AtomicReference<Throwable> error = new AtomicReference<>();
            final List<AtomicLong> counters = new ArrayList<>();
            final List<Thread> senders = new ArrayList<>();
            for (int i = 0; i < threads; i++)
            {
                final AtomicLong counter = new AtomicLong();
                counters.add(counter);
                senders.add(new Thread(() ->
                {
                    try
                    {
                        loop.run(producer, session.topic(), body, running, counter);
                    }
                    catch (final Throwable e)
                    {
                        error.compareAndSet(null, e);
                        running.set(false);
                    }
                }, "bench-sender-" + i));
            }
            senders.forEach(Thread::start);
            Thread.sleep(settings.sendWarmupMs());
            final long startCount = sum(counters);
            final long startCpu = processCpuNs();
            final long start = System.nanoTime();
            Thread.sleep(settings.sendMeasureMs());
            final long endCount = sum(counters);
            final long end = System.nanoTime();
            final long cpu = processCpuNs() - startCpu;
            running.set(false);
            for (final Thread sender : senders)
            {
                sender.join(TimeUnit.SECONDS.toMillis(30));
                if (sender.isAlive())
                {
                    final IllegalStateException stuck = new IllegalStateException(name + ": a sender did not stop " +
                        "within 30 s of the end: thread=" + sender.getName() + ", its stack is this exception's");
                    stuck.setStackTrace(sender.getStackTrace());
                    throw stuck;
                }
            }
            if (error.get() != null)
            {
                throw new IllegalStateException(name + ": a sender failed: " + error.get(), error.get());
            }
            results.report(name, (endCount - startCount) * 1e9 / (end - start), "msgs/s");
            if (cpu >= 0 && endCount > startCount)
            {
                results.report(name + ".cpu_us_per_msg", cpu / 1e3 / (endCount - startCount), "us");
                results.note("%s.cpu_us_per_msg: CPU time of this JVM (all its threads, JIT and GC included; the " +
                    "client side only when the broker runs in another JVM) during the measurement, %.0f %% of one " +
                    "core, per message", name, 100.0 * cpu / (end - start));
            }
            results.note("%s: %d messages in the measurement, %d sent in all", name, endCount - startCount,
                sum(counters));
        }
    }

    /** This JVM's CPU time so far, or -1 where the JVM does not tell. */
    private static long processCpuNs()
    {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
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
