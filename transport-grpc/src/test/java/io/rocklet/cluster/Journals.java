package io.rocklet.cluster;

import io.rocklet.testkit.AccountingReport;
import io.rocklet.testkit.MessageAccounting;
import io.rocklet.testkit.MessageAccounting.SendOutcome;
import io.rocklet.transport.grpc.Await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

/**
 * Merges the accounting journals the client JVMs wrote ({@link MessageAccounting#load}) and prints the report, one
 * line per check: {@code ACCOUNTING <test>: sent=... lost=... duplicated=... outOfOrder=...}.
 */
final class Journals
{
    private Journals()
    {
    }

    /**
     * @return the report over every event of {@code journals}, printed.
     */
    static AccountingReport report(final String title, final Collection<Path> journals)
    {
        final AccountingReport report = MessageAccounting.load(journals).report();
        print(title, report);
        return report;
    }

    /**
     * @return the report over the events of the streams {@code streams} accepts, printed.
     */
    static AccountingReport report(final String title, final Collection<Path> journals,
        final Predicate<String> streams)
    {
        final MessageAccounting accounting = MessageAccounting.inMemory();
        for (final Path journal : journals)
        {
            for (final String[] event : events(journal))
            {
                if (!streams.test(event[1]))
                {
                    continue;
                }
                if (event[0].equals("S"))
                {
                    accounting.sent(event[1], Long.parseLong(event[2]), SendOutcome.valueOf(event[3]));
                }
                else
                {
                    accounting.received(event[1], Long.parseLong(event[2]), event[3]);
                }
            }
        }
        final AccountingReport report = accounting.report();
        print(title, report);
        return report;
    }

    /**
     * Waits until the journals (consumers flush theirs every 50 ms) show every acknowledged send received.
     */
    static void awaitNoLoss(final Collection<Path> journals, final Duration timeout)
    {
        Await.until(timeout, () -> lost(journals) == 0, () -> "acknowledged messages not received yet: " +
            MessageAccounting.load(journals).report());
    }

    /**
     * Waits until the journals show at most {@code maxLost} acknowledged sends not received (a loss bounded by a
     * known window: the consumer has caught up once the count falls to the bound).
     */
    static void awaitLostAtMost(final Collection<Path> journals, final long maxLost, final Duration timeout)
    {
        Await.until(timeout, () -> lost(journals) >= 0 && lost(journals) <= maxLost, () -> "acknowledged messages " +
            "not received beyond " + maxLost + ": " + MessageAccounting.load(journals).report());
    }

    private static long lost(final Collection<Path> journals)
    {
        try
        {
            return MessageAccounting.load(journals).report().lost();
        }
        catch (final IllegalArgumentException e)
        {
            return -1; // a line being written: read again
        }
    }

    /**
     * @return how many receipts of the streams {@code streams} accepts the journals hold.
     */
    static long receipts(final Collection<Path> journals, final Predicate<String> streams)
    {
        long receipts = 0;
        for (final Path journal : journals)
        {
            receipts += events(journal).stream().filter(event -> event[0].equals("R") && streams.test(event[1]))
                .count();
        }
        return receipts;
    }

    private static List<String[]> events(final Path journal)
    {
        try
        {
            return Files.readAllLines(journal, StandardCharsets.UTF_8).stream().filter(line -> !line.isBlank())
                .map(line -> line.split(" ")).toList();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot read the journal: file=" + journal, e);
        }
    }

    private static void print(final String title, final AccountingReport report)
    {
        System.out.println("ACCOUNTING " + title + ": " + report);
    }
}
