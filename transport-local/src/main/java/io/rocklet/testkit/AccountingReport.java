package io.rocklet.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link MessageAccounting} counted.
 *
 * @param sent              sends booked, whatever their outcome.
 * @param acknowledged      sends booked OK.
 * @param failed            sends booked FAILED.
 * @param unknown           sends booked UNKNOWN.
 * @param received          receipts, redeliveries included.
 * @param distinctReceived  messages received at least once.
 * @param lost              acknowledged messages never received: must be 0.
 * @param duplicated        receipts beyond the first of a message.
 * @param outOfOrder        messages first received after a later message of their stream.
 * @param unknownReceived   UNKNOWN sends that were received (they were stored after all).
 * @param failedReceived    FAILED sends that were received (the error came after storing).
 * @param neverSent         received messages no send was booked for (a test bug or a corrupt message).
 * @param lostSample        up to 20 lost messages as {@code stream:sequence}.
 */
public record AccountingReport(long sent, long acknowledged, long failed, long unknown, long received,
    long distinctReceived, long lost, long duplicated, long outOfOrder, long unknownReceived, long failedReceived,
    long neverSent, List<String> lostSample)
{
    private static final int LOST_SAMPLE = 20;

    public AccountingReport
    {
        lostSample = List.copyOf(lostSample);
    }

    /**
     * @throws AssertionError with this report when an acknowledged message was lost or a message nobody sent
     *                        was received.
     */
    public void assertNoLoss()
    {
        if (lost > 0 || neverSent > 0)
        {
            throw new AssertionError("messages lost: " + this);
        }
    }

    /**
     * @throws AssertionError with this report when a message was lost, received twice or out of order.
     */
    public void assertExactlyOnceInOrder()
    {
        assertNoLoss();
        if (duplicated > 0 || outOfOrder > 0)
        {
            throw new AssertionError("duplicated or out-of-order messages: " + this);
        }
    }

    @Override
    public String toString()
    {
        return "sent=" + sent + " (acknowledged=" + acknowledged + ", failed=" + failed + ", unknown=" + unknown +
            "), received=" + received + " (distinct=" + distinctReceived + ", of unknown sends=" + unknownReceived +
            ", of failed sends=" + failedReceived + ", never sent=" + neverSent + "), lost=" + lost +
            (lostSample.isEmpty() ? "" : " " + lostSample) + ", duplicated=" + duplicated + ", outOfOrder=" +
            outOfOrder;
    }

    /** Adds up the counts of the streams. */
    static final class Counter
    {
        private long sent;
        private long acknowledged;
        private long failed;
        private long unknown;
        private long received;
        private long distinctReceived;
        private long lost;
        private long duplicated;
        private long outOfOrder;
        private long unknownReceived;
        private long failedReceived;
        private long neverSent;
        private final List<String> lostSample = new ArrayList<>();

        void send(final MessageAccounting.SendOutcome outcome, final boolean wasReceived)
        {
            sent++;
            switch (outcome)
            {
                case OK -> acknowledged++;
                case FAILED ->
                {
                    failed++;
                    failedReceived += wasReceived ? 1 : 0;
                }
                case UNKNOWN ->
                {
                    unknown++;
                    unknownReceived += wasReceived ? 1 : 0;
                }
            }
        }

        void receipt(final int times, final boolean wasSent)
        {
            received += times;
            distinctReceived++;
            duplicated += times - 1;
            neverSent += wasSent ? 0 : 1;
        }

        void outOfOrder(final long count)
        {
            outOfOrder += count;
        }

        void lost(final String message)
        {
            lost++;
            if (lostSample.size() < LOST_SAMPLE)
            {
                lostSample.add(message);
            }
        }

        AccountingReport report()
        {
            return new AccountingReport(sent, acknowledged, failed, unknown, received, distinctReceived, lost,
                duplicated, outOfOrder, unknownReceived, failedReceived, neverSent, lostSample);
        }
    }
}
