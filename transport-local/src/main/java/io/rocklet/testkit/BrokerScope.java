package io.rocklet.testkit;

/**
 * How long a test broker lives and which tests share it.
 */
public enum BrokerScope
{
    /**
     * One broker per test class (and its {@code @Nested} classes): started before the first test of the class,
     * closed after the last.
     */
    CLASS,

    /**
     * One broker for the whole test run: started by the first class that asks for it, closed when the run ends
     * (by JUnit, through the root context's store; never by a JVM shutdown hook). Classes that ask for a run-wide
     * broker with the same settings share it.
     */
    RUN
}
