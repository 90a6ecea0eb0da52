package io.rocklet.testkit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Books every message of a failure test: each send as {@link SendOutcome#OK OK} (acknowledged),
 * {@link SendOutcome#FAILED FAILED} or {@link SendOutcome#UNKNOWN UNKNOWN} (timed out: it may or may not be
 * stored), and each receipt, then {@link #report() reports} what was acknowledged, received, lost (acknowledged
 * and never received), duplicated and out of order.
 *
 * <p>A message is named by its <em>stream</em> (what orders it: a producer, or a producer and a sharding key)
 * and its <em>sequence</em> in that stream, counted up from 0 by the sender. Out of order: a message received
 * for the first time after a later message of its stream was received (by anyone). Redeliveries are counted as
 * duplicates, not as reordering.
 *
 * <p>Several JVMs: each process books into its own journal ({@link #journal(Path)}, one line per event, flushed
 * by {@link #flush()} and {@link #close()}), and the test merges them with {@link #load(Collection)}.
 * Thread-safe.
 */
public final class MessageAccounting implements AutoCloseable
{
    /** What a send came to. */
    public enum SendOutcome
    {
        /** Acknowledged: the broker stored it; it must not be lost. */
        OK,
        /** The send failed with an error: not stored, unless the error came after storing. */
        FAILED,
        /** No answer (a timeout): stored or not. */
        UNKNOWN
    }

    private final Map<String, Stream> streams = new HashMap<>();
    private final BufferedWriter journal;
    private final Path journalPath;

    private MessageAccounting(final BufferedWriter journal, final Path journalPath)
    {
        this.journal = journal;
        this.journalPath = journalPath;
    }

    /**
     * @return accounting kept in memory only.
     */
    public static MessageAccounting inMemory()
    {
        return new MessageAccounting(null, null);
    }

    /**
     * @return accounting that also appends every event to {@code file} (created, or appended to).
     */
    public static MessageAccounting journal(final Path file)
    {
        Objects.requireNonNull(file, "file");
        try
        {
            return new MessageAccounting(Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE), file);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot open the accounting journal: file=" + file, e);
        }
    }

    /**
     * @return the events of every journal booked into one in-memory accounting.
     * @throws IllegalArgumentException naming the file and line of a line that is not an event.
     */
    public static MessageAccounting load(final Collection<Path> journals)
    {
        final MessageAccounting merged = inMemory();
        for (final Path file : journals)
        {
            final List<String> lines;
            try
            {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException("cannot read the accounting journal: file=" + file, e);
            }
            for (int i = 0; i < lines.size(); i++)
            {
                merged.replay(file, i + 1, lines.get(i));
            }
        }
        return merged;
    }

    /**
     * Books a send.
     *
     * @param stream   what orders the message (no whitespace).
     * @param sequence its place in the stream, from 0.
     */
    public void sent(final String stream, final long sequence, final SendOutcome outcome)
    {
        Objects.requireNonNull(outcome, "outcome");
        check(stream, sequence);
        synchronized (this)
        {
            streamOf(stream).sent(sequence, outcome);
            write("S " + stream + ' ' + sequence + ' ' + outcome);
        }
    }

    /**
     * Books a receipt.
     *
     * @param consumer who received it (no whitespace).
     */
    public void received(final String stream, final long sequence, final String consumer)
    {
        check(stream, sequence);
        checkToken(consumer, "consumer");
        synchronized (this)
        {
            streamOf(stream).received(sequence);
            write("R " + stream + ' ' + sequence + ' ' + consumer);
        }
    }

    /**
     * Writes the journal's buffered lines to its file (no-op in memory).
     */
    public synchronized void flush()
    {
        if (journal != null)
        {
            try
            {
                journal.flush();
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException("cannot write the accounting journal: file=" + journalPath, e);
            }
        }
    }

    /**
     * @return the counts over every stream booked so far.
     */
    public synchronized AccountingReport report()
    {
        final AccountingReport.Counter counter = new AccountingReport.Counter();
        streams.forEach((name, stream) -> stream.count(name, counter));
        return counter.report();
    }

    @Override
    public synchronized void close()
    {
        if (journal != null)
        {
            try
            {
                journal.close();
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException("cannot close the accounting journal: file=" + journalPath, e);
            }
        }
    }

    private void replay(final Path file, final int lineNumber, final String line)
    {
        if (line.isBlank())
        {
            return;
        }
        final String[] fields = line.split(" ");
        try
        {
            if (fields.length == 4 && fields[0].equals("S"))
            {
                sent(fields[1], Long.parseLong(fields[2]), SendOutcome.valueOf(fields[3]));
                return;
            }
            if (fields.length == 4 && fields[0].equals("R"))
            {
                received(fields[1], Long.parseLong(fields[2]), fields[3]);
                return;
            }
        }
        catch (final IllegalArgumentException e)
        {
            throw new IllegalArgumentException("not an accounting event: file=" + file + ", line=" + lineNumber +
                ", text=" + line, e);
        }
        throw new IllegalArgumentException("not an accounting event: file=" + file + ", line=" + lineNumber +
            ", text=" + line);
    }

    private Stream streamOf(final String name)
    {
        return streams.computeIfAbsent(name, n -> new Stream());
    }

    private void write(final String line)
    {
        if (journal == null)
        {
            return;
        }
        try
        {
            journal.write(line);
            journal.newLine();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot write the accounting journal: file=" + journalPath, e);
        }
    }

    private static void check(final String stream, final long sequence)
    {
        checkToken(stream, "stream");
        if (sequence < 0)
        {
            throw new IllegalArgumentException("sequence must be >= 0: stream=" + stream + ", sequence=" + sequence);
        }
    }

    private static void checkToken(final String value, final String field)
    {
        if (value == null || value.isEmpty() || value.chars().anyMatch(Character::isWhitespace))
        {
            throw new IllegalArgumentException(field + " must be a non-empty word without whitespace: " + field +
                "=" + value);
        }
    }

    /** The sends and receipts of one stream. Guarded by the accounting's monitor. */
    private static final class Stream
    {
        private final Map<Long, SendOutcome> sends = new HashMap<>();
        private final Map<Long, Integer> receipts = new HashMap<>();
        private long highestReceived = -1;
        private long outOfOrder;

        void sent(final long sequence, final SendOutcome outcome)
        {
            sends.put(sequence, outcome);
        }

        void received(final long sequence)
        {
            final int before = receipts.merge(sequence, 1, Integer::sum) - 1;
            if (before == 0 && sequence < highestReceived)
            {
                outOfOrder++;
            }
            highestReceived = Math.max(highestReceived, sequence);
        }

        void count(final String name, final AccountingReport.Counter counter)
        {
            final List<Long> lost = new ArrayList<>();
            sends.forEach((sequence, outcome) ->
            {
                final boolean received = receipts.containsKey(sequence);
                counter.send(outcome, received);
                if (outcome == SendOutcome.OK && !received)
                {
                    lost.add(sequence);
                }
            });
            receipts.forEach((sequence, times) -> counter.receipt(times, sends.containsKey(sequence)));
            counter.outOfOrder(outOfOrder);
            lost.stream().sorted().forEach(sequence -> counter.lost(name + ':' + sequence));
        }
    }
}
