package io.rocklet.api;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class ErrorCodeTest
{
    @Test
    void shouldMarkOnlyTransientConditionsRetriable()
    {
        final Set<ErrorCode> retriable = EnumSet.of(ErrorCode.DISK_FULL, ErrorCode.FLUSH_TIMEOUT, ErrorCode.BUSY,
            ErrorCode.NO_ROUTE, ErrorCode.BROKER_UNAVAILABLE, ErrorCode.TIMEOUT, ErrorCode.NOT_LEADER,
            ErrorCode.NO_QUORUM, ErrorCode.NOT_MASTER, ErrorCode.NOT_ENOUGH_REPLICAS, ErrorCode.REPLICATION_TIMEOUT);

        for (final ErrorCode code : ErrorCode.values())
        {
            assertEquals(retriable.contains(code), code.retriable(), code.name());
        }
    }

    @Test
    void shouldCarryCodeAndCauseWhenExceptionIsCreated()
    {
        final IllegalStateException cause = new IllegalStateException("disk");
        final StorageException e = new StorageException(ErrorCode.DISK_FULL, "disk too full: dir=x", cause);

        assertEquals(ErrorCode.DISK_FULL, e.errorCode());
        assertTrue(e.retriable(), "DISK_FULL is retriable");
        assertSame(cause, e.getCause());
        assertEquals(ErrorCode.CLOSED, new ClosedException("closed").errorCode());
        assertEquals(ErrorCode.INVALID_ARGUMENT, new InvalidArgumentException("bad").errorCode());
    }

    @Test
    void shouldRefuseExceptionWhenCodeIsNull()
    {
        assertThrows(IllegalArgumentException.class, () -> new RockletException(null, "x"));
    }
}
