package io.rocklet.store;

import java.util.Collections;
import java.util.List;

/**
 * What a read from a queue found.
 *
 * @param status     the outcome.
 * @param nextOffset where the next read of this queue should start.
 * @param minOffset  the queue's first readable offset at the time of the read.
 * @param maxOffset  one past the queue's last readable offset at the time of the read.
 * @param messages   the messages, in queue order; empty unless {@link ReadStatus#FOUND}.
 */
public record ReadResult(ReadStatus status, long nextOffset, long minOffset, long maxOffset,
    List<StoredMessage> messages)
{
    public ReadResult
    {
        messages = Collections.unmodifiableList(messages);
    }
}
