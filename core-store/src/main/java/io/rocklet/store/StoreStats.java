package io.rocklet.store;

/**
 * A snapshot of the store's positions and state.
 *
 * @param minLogOffset       first log offset still on disk.
 * @param writePosition      end of the last appended record.
 * @param flushedPosition    end of what is known to be on disk.
 * @param flushCount         flushes of the commit log so far (with SYNC, appends per flush shows the group commit).
 * @param dispatchedPosition end of what is in consume queues and the key index.
 * @param checkpointPosition position of the last checkpoint (where crash recovery would start).
 * @param dispatchLagBytes   {@code writePosition - dispatchedPosition}.
 * @param segmentCount       commit-log segments on disk.
 * @param topicCount         topics the store knows.
 * @param fenced             writes are refused after a failure.
 * @param diskFull           writes are refused because the disk is too full.
 * @param diskUsedRatio      last measured disk usage, 0.0 to 1.0.
 */
public record StoreStats(
    long minLogOffset,
    long writePosition,
    long flushedPosition,
    long flushCount,
    long dispatchedPosition,
    long checkpointPosition,
    long dispatchLagBytes,
    int segmentCount,
    int topicCount,
    boolean fenced,
    boolean diskFull,
    double diskUsedRatio)
{
}
