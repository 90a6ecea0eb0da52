package io.rocklet.store;

/**
 * What a {@link MessageStore#scan} did.
 *
 * @param status     the outcome, as for {@link MessageStore#read}.
 * @param nextOffset where the next read of this queue should start.
 * @param minOffset  the queue's first readable offset at the time of the scan.
 * @param maxOffset  one past the queue's last readable offset at the time of the scan.
 * @param visited    how many messages the visitor saw.
 */
public record ScanResult(ReadStatus status, long nextOffset, long minOffset, long maxOffset, int visited)
{
}
