package io.rocklet.transport.grpc;

import java.util.Set;

/**
 * What a unary call is for, each with its own bound on unanswered calls to a peer ({@link PeerChannel}): a consumer's
 * long polls and commits must not use up the sends' budget, nor a burst of sends stop offsets being committed.
 */
enum CallBudget
{
    /** Messages in: send, batch, recall, send-back. */
    SENDS(Set.of("Send", "SendBatch", "Recall", "SendBack")),
    /** Long polls: a consumer's pulls, a slave's log fetches. */
    PULLS(Set.of("Pull", "FetchReplica")),
    /** A consumer's bookkeeping: offsets, heartbeats, queue locks. */
    COMMITS(Set.of("CommitOffsets", "QueryOffset", "Heartbeat", "LockQueues", "UnlockQueues", "UnregisterClient")),
    /** Everything else: routes, registrations, administration, failover controllers. */
    OTHER(Set.of());

    private final Set<String> methods;

    CallBudget(final Set<String> methods)
    {
        this.methods = methods;
    }

    /**
     * @param fullMethodName a gRPC method's full name, {@code package.Service/Method}.
     * @return the budget the method's calls count against.
     */
    static CallBudget of(final String fullMethodName)
    {
        final String method = fullMethodName.substring(fullMethodName.lastIndexOf('/') + 1);
        for (final CallBudget budget : values())
        {
            if (budget.methods.contains(method))
            {
                return budget;
            }
        }
        return OTHER;
    }
}
