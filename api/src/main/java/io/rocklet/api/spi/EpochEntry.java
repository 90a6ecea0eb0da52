package io.rocklet.api.spi;

/**
 * One entry of a store's epoch history: from log offset {@code startOffset} on, the records were written by the master
 * of {@code epoch} (RocketMQ 5's {@code EpochEntry}). An epoch ends where the next one starts, the last one at the
 * log's end. Epochs rise strictly and start offsets never go back along the history.
 *
 * @param epoch       the master's term, at least 1.
 * @param startOffset the log offset of the epoch's first record.
 */
public record EpochEntry(long epoch, long startOffset)
{
}
