package io.rocklet.broker.timer;

import io.rocklet.broker.internal.BrokerFiles;
import io.rocklet.broker.internal.PendingCounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The timer's progress as saved in {@value TimerService#CHECKPOINT} (the format is in {@link TimerService}'s comment),
 * read and written with {@link BrokerFiles}.
 *
 * @param indexed      timer-queue entries below it are in bucket files (or were delivered at once).
 * @param cursorDueMs  the due time of the last delivered entry.
 * @param cursorOffset the queue offset of the last delivered entry (-1: none yet).
 * @param handledBelow entries below it at or before the cursor were delivered by the master this broker followed.
 */
record TimerCheckpoint(long indexed, long cursorDueMs, long cursorOffset, long handledBelow)
{
    private static final Logger LOG = LoggerFactory.getLogger(TimerCheckpoint.class);
    private static final String FORMAT = "timer-checkpoint";

    /**
     * Reads the file (a missing file is the start), putting its pending counts into {@code pending}; records it does
     * not understand are logged and skipped.
     */
    static TimerCheckpoint read(final Path file, final PendingCounts pending)
    {
        long indexed = 0;
        long cursorDueMs = 0;
        long cursorOffset = -1;
        long handledBelow = 0;
        for (final String[] record : BrokerFiles.read(file))
        {
            try
            {
                if (record.length == 2 && record[0].equals("indexed"))
                {
                    indexed = Long.parseLong(record[1]);
                }
                else if (record.length == 3 && record[0].equals("cursor"))
                {
                    cursorDueMs = Long.parseLong(record[1]);
                    cursorOffset = Long.parseLong(record[2]);
                }
                else if (record.length == 2 && record[0].equals("handled"))
                {
                    handledBelow = Long.parseLong(record[1]);
                }
                else if (record.length == 3 && record[0].equals(PendingCounts.RECORD))
                {
                    pending.set(record[1], Long.parseLong(record[2]));
                }
                else
                {
                    LOG.warn("skipping timer checkpoint record: file={}, record={}", file, String.join(" ", record));
                }
            }
            catch (final NumberFormatException e)
            {
                LOG.warn("skipping timer checkpoint record: file={}, record={}, error={}", file,
                    String.join(" ", record), e.toString());
            }
        }
        return new TimerCheckpoint(indexed, cursorDueMs, cursorOffset, handledBelow);
    }

    /**
     * Replaces the file with this progress and {@code pending}'s counts.
     */
    void write(final Path file, final PendingCounts pending, final boolean fsync)
    {
        final List<String> records = new ArrayList<>();
        records.add("indexed " + indexed);
        records.add("cursor " + cursorDueMs + " " + cursorOffset);
        records.add("handled " + handledBelow);
        pending.addRecords(records);
        BrokerFiles.write(file, FORMAT, records, fsync);
    }
}
