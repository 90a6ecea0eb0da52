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
 * @param inFlightAtKill     sends in flight while broker-a died (started before it was gone, answered after the
 *                           kill began): each may have been stored on broker-a and, its answer lost, again on
 *                           broker-b.
 * @param recentOnBrokerA    sends acknowledged by broker-a within the window before the kill in which a consumer's
 *                           committed offsets may not have reached its disk.
 * @param onBrokerA          sends acknowledged by broker-a before the kill.
 */
record Failover(long firstOkAfterKillMs, long longestGapMs, long slowestSendMs, long failedAroundKill,
    long okAfterKill, long inFlightAtKill, long recentOnBrokerA, long onBrokerA)
{
    /**
     * @param killedAtMs          when the kill began (SIGKILL sent).
     * @param goneAtMs            when the process was seen gone.
     * @param uncommittedWindowMs how long before the kill a committed offset may not have been written to disk.
     */
    static Failover measure(final List<String> timeline, final long killedAtMs, final long goneAtMs,
        final long uncommittedWindowMs)
    {
        long firstOk = Long.MAX_VALUE;
        long slowest = 0;
        long failed = 0;
        long okAfter = 0;
        long inFlight = 0;
        long recent = 0;
        long onA = 0;
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
            if (start <= goneAtMs && end >= killedAtMs)
            {
                inFlight++;
            }
            if (ok && fields[4].equals("broker-a") && end <= goneAtMs)
            {
                onA++;
                recent += end >= killedAtMs - uncommittedWindowMs ? 1 : 0;
            }
        }
        okEnds.sort(null);
        long longestGap = 0;
        for (int i = 1; i < okEnds.size(); i++)
        {
            longestGap = Math.max(longestGap, okEnds.get(i) - okEnds.get(i - 1));
        }
        return new Failover(firstOk == Long.MAX_VALUE ? Long.MAX_VALUE : firstOk - killedAtMs, longestGap, slowest,
            failed, okAfter, inFlight, recent, onA);
    }

    @Override
    public String toString()
    {
        return "kill -> first acknowledged send started after it: " + firstOkAfterKillMs + " ms, longest time " +
            "without an acknowledged send: " + longestGapMs + " ms, slowest send around the kill: " + slowestSendMs +
            " ms, sends failed or unknown: " + failedAroundKill + ", acknowledged after the kill: " + okAfterKill +
            ", in flight at the kill: " + inFlightAtKill + ", acknowledged by broker-a before the kill: " + onBrokerA +
            ", of which in the window of offsets maybe not on its disk: " + recentOnBrokerA;
    }
}
