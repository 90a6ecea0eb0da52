package io.rocklet.store;

import java.util.List;

/**
 * What opening the store found and did: the log is the truth, everything else is checked against it.
 *
 * @param cleanShutdown      the previous run closed the store properly.
 * @param checkpointPosition where the scan of the log started.
 * @param logEndPosition     end of the last intact record.
 * @param recordsScanned     records verified (CRC32C) on open: the whole log by default, else from the checkpoint.
 * @param droppedBytes       bytes cut from the log after the last intact record (torn or corrupt tail).
 * @param droppedRecords     records (or record-like headers) in the cut tail.
 * @param tailProblem        why the scan stopped, or {@code ""} when it reached clean zeros.
 * @param rebuiltQueues      consume queues rebuilt from the log ({@code topic:queueId}).
 * @param rebuiltIndexFiles  key-index files rebuilt from the log (by their first log offset).
 * @param damagedRanges      damaged ranges inside the log that were quarantined and skipped; the records
 *                           around them kept their offsets.
 * @param durationMs         how long recovery took.
 */
public record RecoveryReport(
    boolean cleanShutdown,
    long checkpointPosition,
    long logEndPosition,
    long recordsScanned,
    long droppedBytes,
    long droppedRecords,
    String tailProblem,
    List<String> rebuiltQueues,
    List<Long> rebuiltIndexFiles,
    List<DamagedRange> damagedRanges,
    long durationMs)
{
    public RecoveryReport
    {
        rebuiltQueues = List.copyOf(rebuiltQueues);
        rebuiltIndexFiles = List.copyOf(rebuiltIndexFiles);
        damagedRanges = List.copyOf(damagedRanges);
    }

    /**
     * @return bytes of the damaged ranges skipped inside the log.
     */
    public long skippedBytes()
    {
        return damagedRanges.stream().mapToLong(DamagedRange::bytes).sum();
    }

    /**
     * @return records (as far as recognisable) in the damaged ranges skipped inside the log.
     */
    public long skippedRecords()
    {
        return damagedRanges.stream().mapToLong(DamagedRange::records).sum();
    }

    /**
     * @return true when anything was dropped, skipped or rebuilt.
     */
    public boolean repaired()
    {
        return droppedBytes > 0 || !rebuiltQueues.isEmpty() || !rebuiltIndexFiles.isEmpty() ||
            !damagedRanges.isEmpty();
    }
}
