package io.rocklet.broker.replication;

import io.rocklet.api.spi.EpochEntry;

import java.util.List;

/**
 * Compares two replicas' epoch histories (RocketMQ 5's {@code findLastConsistentPoint}, Kafka's leader-epoch check):
 * the newest epoch both began at the same offset is where they last agreed, up to the end of that epoch on the shorter
 * side. Stateless.
 */
public final class EpochHistory
{
    private EpochHistory()
    {
    }

    /**
     * @return the log offset up to which the two logs hold the same bytes: at most {@code mineEnd}; 0 when no epoch is
     *     shared.
     */
    public static long consistentPoint(final List<EpochEntry> mine, final long mineEnd, final List<EpochEntry> theirs,
        final long theirEnd)
    {
        if (mineEnd == 0)
        {
            return 0;
        }
        for (int i = mine.size() - 1; i >= 0; i--)
        {
            final EpochEntry entry = mine.get(i);
            final int j = theirs.indexOf(entry);
            if (j >= 0)
            {
                final long myEpochEnd = i + 1 < mine.size() ? mine.get(i + 1).startOffset() : mineEnd;
                final long theirEpochEnd = j + 1 < theirs.size() ? theirs.get(j + 1).startOffset() : theirEnd;
                return Math.min(mineEnd, Math.min(myEpochEnd, theirEpochEnd));
            }
        }
        return 0;
    }

    /**
     * @return the start of the first epoch in {@code history} that starts after {@code offset}, or
     *     {@code Long.MAX_VALUE}: a chunk from {@code offset} must end there so that a slave records each epoch before
     *     its bytes.
     */
    public static long nextEpochStart(final List<EpochEntry> history, final long offset)
    {
        for (final EpochEntry entry : history)
        {
            if (entry.startOffset() > offset)
            {
                return entry.startOffset();
            }
        }
        return Long.MAX_VALUE;
    }
}
