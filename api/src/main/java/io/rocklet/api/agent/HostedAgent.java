package io.rocklet.api.agent;

/**
 * Long-running work that an {@link AgentHost} runs: the shape of Agrona's {@code Agent}, in JDK types so that every
 * module can hand its agents to one host. {@link #doWork()} is a short sum of named steps that never blocks (it runs
 * between other components' agents on a shared thread) and returns the amount of work it did (0 lets the thread idle).
 * All three methods run on the thread that owns the agent.
 */
public interface HostedAgent
{
    /**
     * Runs one duty cycle.
     *
     * @return the amount of work done; 0 when there was nothing to do.
     * @throws Exception reported to the error handler the agent was added with; the agent keeps running.
     */
    int doWork() throws Exception;

    /**
     * Runs once on the owning thread before the first {@link #doWork()}.
     */
    default void onStart()
    {
    }

    /**
     * Runs once on the owning thread after the last {@link #doWork()}.
     */
    default void onClose()
    {
    }

    /**
     * @return the agent's name; a dedicated thread is named after it.
     */
    String roleName();
}
