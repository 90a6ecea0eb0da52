package io.rocklet.api.admin;

/**
 * One router as the admin found it.
 *
 * @param address     where it is served.
 * @param reachable   whether it answered.
 * @param brokerCount brokers registered with it (0 when it did not answer).
 * @param error       why it did not answer, or {@code ""}.
 */
public record RouterState(String address, boolean reachable, int brokerCount, String error)
{
}
