package io.rocklet.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * What a producer's timeline ({@code <sequence> <startMs> <endMs> <outcome> <broker>} per send, see
 * {@link ProducerRole}) shows around the kill of broker-a.
 *
 * @param firstOkAfterKillMs from the kill to the end of the first acknowledged send started after it.
 * @param longestGapMs       the longest time without an acknowledged send, from 2 s before the kill to the end.
 * @param slowestSendMs      the longest send (retries included) started within 1 s before and 10 s after the kill.
 * @param failedAroundKill   sends booked FAILED or UNKNOWN.
 * @param okAfterKill        acknowledged sends started after the kill.
 * @param recentOnBrokerA    sends acknowledged by broker-a in the window before the kill whose consumption may not
 *                           have been durably committed.
 */
record Failover(long firstOkAfterKillMs, long longestGapMs, long slowestSendMs, long failedAroundKill,
    long okAfterKill, long recentOnBrokerA)
{
    /**
     * @param uncommittedWindowMs how far before the kill a consumed message may be consumed again.
     */
    static Failover measure(final List<String> timeline, final long killedAtMs, final long uncommittedWindowMs)
    {
        long firstOk = Long.MAX_VALUE;
        long slowest = 0;
        long failed = 0;
        long okAfter = 0;
        long recent = 0;
        final List<Long> okEnds = new ArrayList<>();
        for (final String line : timeline)
        {
            final String[] fields = line.split(" ");
            final long start = Long.parseLong(fields[1]);
            final long end = Long.parseLong(fields[2]);
            final boolean ok = fields[3].equals("OK");
            if (!ok)
            {
                failed++;
            }
            if (start >= killedAtMs - 1000 && start <= killedAtMs + 10_000)
            {
                slowest = Math.max(slowest, end - start);
            }
            if (ok && start >= killedAtMs)
            {
                firstOk = Math.min(firstOk, end);
                okAfter++;
            }
            if (ok && end >= killedAtMs - 2000)
            {
                okEnds.add(end);
            }
            if (ok && fields[4].equals("broker-a") && end <= killedAtMs && end >= killedAtMs - uncommittedWindowMs)
            {
                recent++;
            }
        }
        okEnds.sort(null);
        long longestGap = 0;
        for (int i = 1; i < okEnds.size(); i++)
        {
            longestGap = Math.max(longestGap, okEnds.get(i) - okEnds.get(i - 1));
        }
        return new Failover(firstOk == Long.MAX_VALUE ? Long.MAX_VALUE : firstOk - killedAtMs, longestGap, slowest,
            failed, okAfter, recent);
    }

    @Override
    public String toString()
    {
        return "kill -> first acknowledged send started after it: " + firstOkAfterKillMs + " ms, longest time " +
            "without an acknowledged send: " + longestGapMs + " ms, slowest send around the kill: " + slowestSendMs +
            " ms, sends failed or unknown: " + failedAroundKill + ", acknowledged after the kill: " + okAfterKill +
            ", acknowledged by broker-a in the " + "uncommitted window before the kill: " + recentOnBrokerA;
    }
}
