package io.rocklet.api;

/**
 * A failover controller that is not the Raft leader was asked to decide ({@link ErrorCode#NOT_LEADER}, retriable):
 * {@link #leaderAddress()} names the controller service of the leader when this controller knows it. Immutable.
 */
public final class NotLeaderException extends RockletException
{
    private static final long serialVersionUID = 1L;

    private final String leaderAddress;

    /**
     * @param message       what was refused, {@code what failed: key=value, ...}.
     * @param leaderAddress the leader's controller-service address, or {@code ""} when unknown (an election runs).
     */
    public NotLeaderException(final String message, final String leaderAddress)
    {
        super(ErrorCode.NOT_LEADER, message);
        this.leaderAddress = leaderAddress == null ? "" : leaderAddress;
    }

    /**
     * @return the leader's controller-service address, or {@code ""} when unknown.
     */
    public String leaderAddress()
    {
        return leaderAddress;
    }
}
