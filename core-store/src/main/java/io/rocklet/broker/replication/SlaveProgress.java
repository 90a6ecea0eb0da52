package io.rocklet.broker.replication;

/**
 * What a master knows of one slave: the offset it acknowledged (its last fetch offset) and when it last fetched.
 * Written by the fetch handler (any thread), read by SYNC acknowledgement and status (any thread).
 */
final class SlaveProgress
{
    final long brokerId;
    volatile String address;
    volatile long ackedOffset;
    volatile long lastFetchNs;
    /**
     * When the slave last had everything the master had (Kafka's {@code lastCaughtUpTime}): a fetch from at least the
     * master's log end at the slave's previous fetch shows the slave had all of it at that previous fetch.
     */
    volatile long caughtUpNs;
    /** The master's log end when it took the previous fetch. */
    volatile long endAtLastFetch;

    SlaveProgress(final long brokerId, final String address, final long nowNs)
    {
        this.brokerId = brokerId;
        this.address = address;
        this.lastFetchNs = nowNs;
        this.caughtUpNs = nowNs;
    }

    /**
     * Records a fetch from {@code offset} taken at {@code nowNs} while the master's log ended at {@code masterEnd}.
     */
    void onFetch(final String address, final long offset, final long masterEnd, final long nowNs)
    {
        this.address = address;
        if (offset >= masterEnd)
        {
            caughtUpNs = nowNs;
        }
        else if (offset >= endAtLastFetch)
        {
            caughtUpNs = lastFetchNs;
        }
        ackedOffset = offset;
        endAtLastFetch = masterEnd;
        lastFetchNs = nowNs;
    }

    boolean inSync(final long masterEnd, final long nowNs, final long maxGapBytes, final long maxSilenceNs)
    {
        return masterEnd - ackedOffset <= maxGapBytes && nowNs - lastFetchNs <= maxSilenceNs;
    }
}
