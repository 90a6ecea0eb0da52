package io.rocklet.transport.grpc;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimitedLogTest
{
    private final AtomicLong nowNs = new AtomicLong(1_000);
    private final RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(RateLimitedLogTest.class), 100,
        nowNs::get);

    @Test
    void shouldWriteOneLinePerKindPerIntervalWhenEventsFlood()
    {
        assertTrue(log.warn("a", "event"));
        assertFalse(log.warn("a", "event"));
        assertTrue(log.warn("b", "event"), "another kind has its own interval");
        nowNs.addAndGet(99);
        assertFalse(log.warn("a", "event"));

        nowNs.addAndGet(1);
        assertTrue(log.warn("a", "event"));
    }

    @Test
    void shouldNameTheKindOfAFailureWithoutWhatThePeerSent()
    {
        assertEquals("IllegalStateException: Unexpected HTTP/1.x request", TransportFailureLog.kind(
            new IllegalStateException("Unexpected HTTP/1.x request: GET / ")));
        assertEquals("IllegalStateException: HTTP/2 client preface string missing or corrupt", TransportFailureLog.kind(
            new IllegalStateException("HTTP/2 client preface string missing or corrupt. Hex dump: 0102")));
    }
}
