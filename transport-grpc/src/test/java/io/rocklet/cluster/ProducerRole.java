package io.rocklet.cluster;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.RockletException;
import io.rocklet.api.SendReceipt;
import io.rocklet.testkit.MessageAccounting;
import io.rocklet.testkit.MessageAccounting.SendOutcome;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link ClientMain}'s producer: one thread sending synchronously, one message after the other, at a given rate,
 * and booking each outcome. A timeout or an unreachable broker is booked UNKNOWN (the message may have been
 * stored before the answer was lost), any other error FAILED. With {@code --timeline FILE} each send also writes
 * {@code <sequence> <startMs> <endMs> <outcome> <broker>} (wall clock; broker {@code -} when the send failed), so
 * that a test can see when sends failed and where they went around a kill.
 */
final class ProducerRole implements ClientMain.Role
{
    private final Producer producer;
    private final String name;
    private final String topic;
    private final long count;
    private final long intervalNs;
    private final int keys;
    private final String[] tags;
    private final MessageAccounting accounting;
    private final BufferedWriter timeline;
    private final Map<String, Long> sequences = new HashMap<>();
    private final Map<String, Long> okByBroker = new TreeMap<>();
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final Thread sender;
    private volatile boolean stopping;
    private long ok;
    private long failed;
    private long unknown;

    ProducerRole(final RockletClient client, final String name, final Map<String, String> options,
        final MessageAccounting accounting)
    {
        this.name = name;
        this.topic = ClientMain.required(options, "topic");
        this.count = ClientMain.number(options, "count", 0);
        final long rate = ClientMain.number(options, "rate", 0);
        this.intervalNs = rate <= 0 ? 0 : 1_000_000_000L / rate;
        this.keys = (int) ClientMain.number(options, "keys", 0);
        this.tags = options.containsKey("tags") ? options.get("tags").split(",") : new String[0];
        this.accounting = accounting;
        this.timeline = options.containsKey("timeline") ? open(Path.of(options.get("timeline"))) : null;
        this.producer = client.newProducer(ProducerConfig.builder("pg-" + name).build());
        this.sender = new Thread(this::sendAll, "sender-" + name);
    }

    @Override
    public CompletableFuture<Void> start()
    {
        sender.start();
        return finished;
    }

    @Override
    public synchronized String counts()
    {
        final StringBuilder counts = new StringBuilder("ok=" + ok + " failed=" + failed + " unknown=" + unknown);
        okByBroker.forEach((broker, sent) -> counts.append(' ').append(broker).append('=').append(sent));
        return counts.toString();
    }

    @Override
    public void stop()
    {
        stopping = true;
        try
        {
            sender.join();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        producer.close();
        if (timeline != null)
        {
            try
            {
                timeline.close();
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException("cannot close the timeline", e);
            }
        }
    }

    private void sendAll()
    {
        long nextNs = System.nanoTime();
        for (long i = 0; (count == 0 || i < count) && !stopping; i++)
        {
            if (intervalNs > 0)
            {
                LockSupport.parkNanos(nextNs - System.nanoTime());
                nextNs = Math.max(nextNs + intervalNs, System.nanoTime() - intervalNs);
            }
            sendOne(i);
        }
        finished.complete(null);
    }

    private void sendOne(final long index)
    {
        final String key = keys > 0 ? "k" + index % keys : null;
        final String tag = tags.length > 0 ? tags[(int) (index % tags.length)] : null;
        final String stream = name + (key == null ? "" : "-" + key) + (tag == null ? "" : "-" + tag);
        final long sequence = sequences.merge(stream, 1L, Long::sum) - 1;
        final Message.Builder message = Message.builder(topic).key(stream + "-" + sequence)
            .body(stream + " " + sequence);
        if (tag != null)
        {
            message.tag(tag);
        }
        final long startMs = System.currentTimeMillis();
        SendOutcome outcome;
        String broker = "-";
        try
        {
            final SendReceipt receipt = key == null ? producer.send(message.build()) :
                producer.send(message.build(), key);
            outcome = SendOutcome.OK;
            broker = receipt.queue().brokerName();
        }
        catch (final RockletException e)
        {
            outcome = e.errorCode() == ErrorCode.TIMEOUT || e.errorCode() == ErrorCode.BROKER_UNAVAILABLE ?
                SendOutcome.UNKNOWN : SendOutcome.FAILED;
            System.err.println("send failed: stream=" + stream + ", sequence=" + sequence + ", outcome=" + outcome +
                ", error=" + e);
        }
        accounting.sent(stream, sequence, outcome);
        count(outcome, broker);
        if (timeline != null)
        {
            write(sequence + " " + startMs + " " + System.currentTimeMillis() + " " + outcome + " " + broker);
        }
    }

    private synchronized void count(final SendOutcome outcome, final String broker)
    {
        switch (outcome)
        {
            case OK ->
            {
                ok++;
                okByBroker.merge(broker, 1L, Long::sum);
            }
            case FAILED -> failed++;
            case UNKNOWN -> unknown++;
        }
    }

    private void write(final String line)
    {
        try
        {
            timeline.write(line);
            timeline.newLine();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot write the timeline", e);
        }
    }

    private static BufferedWriter open(final Path file)
    {
        try
        {
            return Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot open the timeline: file=" + file, e);
        }
    }
}
