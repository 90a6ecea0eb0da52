package io.rocklet.benchmarks.scenario;

/**
 * What the client scenarios measure: a way to reach a broker (the embedded broker in this JVM, or a broker
 * server over gRPC). Every figure opens a {@link BenchSession} of its own, with a topic nothing else uses.
 */
public interface BenchTarget
{
    /**
     * @return the first part of the figures' names ({@code local}, {@code grpc}).
     */
    String name();

    /**
     * @param figure the name of the figure (or figures) the session is for, for its notes.
     * @return a client connected to the broker, and a new topic of {@link BenchSession#QUEUES} queues that the
     *     routers already serve; the caller closes it.
     */
    BenchSession open(String figure);
}
