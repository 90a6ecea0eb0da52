package io.rocklet.testkit;

import io.rocklet.testkit.MessageAccounting.SendOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class MessageAccountingTest
{
    @Test
    void shouldReportNothingMissingWhenEveryAcknowledgedMessageArrivesOnceInOrder()
    {
        final MessageAccounting accounting = MessageAccounting.inMemory();
        for (long i = 0; i < 5; i++)
        {
            accounting.sent("p1", i, SendOutcome.OK);
            accounting.received("p1", i, "c1");
        }

        final AccountingReport report = accounting.report();
        assertEquals(5, report.acknowledged());
        assertEquals(5, report.distinctReceived());
        report.assertExactlyOnceInOrder();
    }

    @Test
    void shouldCountLostOnlyAcknowledgedMessagesWhenSomeSendsFailedOrAreUnknown()
    {
        final MessageAccounting accounting = MessageAccounting.inMemory();
        accounting.sent("p1", 0, SendOutcome.OK);
        accounting.sent("p1", 1, SendOutcome.OK);
        accounting.sent("p1", 2, SendOutcome.FAILED);
        accounting.sent("p1", 3, SendOutcome.UNKNOWN);
        accounting.sent("p1", 4, SendOutcome.UNKNOWN);
        accounting.received("p1", 0, "c1");
        accounting.received("p1", 4, "c1");

        final AccountingReport report = accounting.report();
        assertEquals(1, report.lost());
        assertEquals(List.of("p1:1"), report.lostSample());
        assertEquals(1, report.unknownReceived());
        assertEquals(1, report.failed());
        final AssertionError error = assertThrows(AssertionError.class, report::assertNoLoss);
        assertTrue(error.getMessage().contains("lost=1 [p1:1]"), error.getMessage());
    }

    @Test
    void shouldTellDuplicatesFromReorderingWhenAMessageIsRedelivered()
    {
        final MessageAccounting accounting = MessageAccounting.inMemory();
        for (long i = 0; i < 4; i++)
        {
            accounting.sent("k", i, SendOutcome.OK);
        }
        accounting.received("k", 0, "c1");
        accounting.received("k", 1, "c1");
        accounting.received("k", 1, "c2"); // redelivered after a rebalance: a duplicate, not reordering
        accounting.received("k", 3, "c2");
        accounting.received("k", 2, "c2"); // first seen after 3: out of order

        final AccountingReport report = accounting.report();
        assertEquals(1, report.duplicated());
        assertEquals(1, report.outOfOrder());
        assertEquals(0, report.lost());
        report.assertNoLoss();
        assertThrows(AssertionError.class, report::assertExactlyOnceInOrder);
    }

    @Test
    void shouldFlagAMessageNobodySentWhenItIsReceived()
    {
        final MessageAccounting accounting = MessageAccounting.inMemory();
        accounting.received("ghost", 7, "c1");

        assertEquals(1, accounting.report().neverSent());
        assertThrows(AssertionError.class, () -> accounting.report().assertNoLoss());
    }

    @Test
    void shouldMergeTheJournalsOfSeveralProcessesWhenLoaded(@TempDir final Path dir)
    {
        final Path producerLog = dir.resolve("producer.log");
        final Path consumerLog = dir.resolve("consumer.log");
        try (MessageAccounting producer = MessageAccounting.journal(producerLog);
             MessageAccounting consumer = MessageAccounting.journal(consumerLog))
        {
            producer.sent("p1", 0, SendOutcome.OK);
            producer.sent("p1", 1, SendOutcome.OK);
            consumer.received("p1", 0, "c1");
        }

        final AccountingReport report = MessageAccounting.load(List.of(producerLog, consumerLog)).report();
        assertEquals(2, report.acknowledged());
        assertEquals(1, report.received());
        assertEquals(List.of("p1:1"), report.lostSample());
    }

    @Test
    void shouldNameTheFileAndLineWhenAJournalLineIsNotAnEvent(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("bad.log");
        Files.writeString(file, "S p1 0 OK\nS p1 x OK\n");

        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> MessageAccounting.load(List.of(file)));
        assertTrue(error.getMessage().contains("bad.log, line=2"), error.getMessage());
    }

    @Test
    void shouldRefuseAStreamWithWhitespaceWhenBooking()
    {
        final MessageAccounting accounting = MessageAccounting.inMemory();
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> accounting.sent("a b", 0, SendOutcome.OK));
        assertTrue(error.getMessage().contains("stream=a b"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> accounting.received("s", -1, "c"));
    }
}
