package io.rocklet.broker.replication;

/**
 * The tail a former master cut from its log when it rejoined its replica set as a slave: what it had written (and,
 * under ASYNC replication, possibly acknowledged) that the new master never received. The bytes are kept in the
 * store's {@code quarantine/} directory.
 *
 * @param fromOffset the log offset the log was cut at (the last point it shared with the new master).
 * @param bytes      how many bytes were cut.
 * @param messages   how many messages those bytes held.
 * @param epoch      this log's newest epoch after the cut.
 * @param quarantine the file holding the cut bytes.
 */
public record TailTruncation(long fromOffset, long bytes, long messages, long epoch, String quarantine)
{
}
