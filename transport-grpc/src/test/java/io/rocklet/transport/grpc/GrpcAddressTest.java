package io.rocklet.transport.grpc;

import io.rocklet.api.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Addresses {@code grpc://host:port} and the transport's settings are checked once, with messages naming the value.
 */
@Timeout(30)
class GrpcAddressTest
{
    @Test
    void shouldParseHostsPortsAndBracketedIpv6WhenWellFormed()
    {
        assertEquals(new GrpcAddress("127.0.0.1", 9876), GrpcAddress.parse("grpc://127.0.0.1:9876"));
        assertEquals(new GrpcAddress("broker-a.example", 0), GrpcAddress.parse("grpc://broker-a.example:0"));
        final GrpcAddress ipv6 = GrpcAddress.parse("grpc://[::1]:8080");
        assertEquals("::1", ipv6.host());
        assertEquals("grpc://[::1]:8080", ipv6.toString());
        assertEquals("grpc://127.0.0.1:5", GrpcAddress.parse("grpc://127.0.0.1:0").withPort(5).toString());
    }

    @Test
    void shouldRejectMalformedAddressesNamingThem()
    {
        for (final String bad : new String[] {null, "", "local://x", "grpc://", "grpc://host", "grpc://host:",
            "grpc://:80", "grpc://host:port", "grpc://host:70000", "grpc://host:-1", "grpc://::1:80", "grpc://[]:80",
            "grpc://a/b:80"})
        {
            final InvalidArgumentException error = assertThrows(InvalidArgumentException.class,
                () -> GrpcAddress.parse(bad), String.valueOf(bad));
            assertTrue(error.getMessage().contains("address=" + bad), error.getMessage());
        }
    }

    @Test
    void shouldRejectSettingsOutOfRangeNamingThem()
    {
        assertTrue(assertThrows(InvalidArgumentException.class, () -> GrpcTransportConfig.builder().plaintext()
            .maxInFlightRequests(0).build()).getMessage().contains("maxInFlightRequests=0"));
        assertTrue(assertThrows(InvalidArgumentException.class, () -> GrpcTransportConfig.builder().plaintext()
            .callTimeout(Duration.ZERO).build()).getMessage().contains("callTimeout"));
        assertTrue(assertThrows(InvalidArgumentException.class, () -> GrpcTransportConfig.builder().plaintext()
            .reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build()).getMessage()
            .contains("reconnectBackoffMax"));
        assertTrue(assertThrows(InvalidArgumentException.class, () -> GrpcTransportConfig.builder().plaintext()
            .executorThreads(0).build()).getMessage().contains("executorThreads"));
        assertTrue(assertThrows(InvalidArgumentException.class, () -> GrpcTransportConfig.builder().plaintext()
            .streamPrefetchBatches(0).build()).getMessage().contains("streamPrefetchBatches=0"));
        assertTrue(assertThrows(InvalidArgumentException.class, () -> GrpcTransportConfig.builder().plaintext()
            .streamIdleTimeout(Duration.ZERO).build()).getMessage().contains("streamIdleTimeout"));
        final GrpcTransportConfig defaults = GrpcTransportConfig.builder().plaintext().build();
        assertTrue(defaults.streamingPull());
        assertEquals(4, defaults.streamPrefetchBatches());
        assertEquals(Duration.ofSeconds(30), defaults.streamIdleTimeout());
        assertEquals(Duration.ofSeconds(3), defaults.callTimeout());
        assertEquals(4 * 1024 * 1024 + 1024 * 1024, defaults.maxInboundMessageBytes());
    }

    @Test
    void shouldDoubleTheReconnectBackoffUpToItsMaximum()
    {
        assertEquals(100, ReconnectBackoff.delayMs(1, 100, 5000));
        assertEquals(200, ReconnectBackoff.delayMs(2, 100, 5000));
        assertEquals(3200, ReconnectBackoff.delayMs(6, 100, 5000));
        assertEquals(5000, ReconnectBackoff.delayMs(7, 100, 5000));
        assertEquals(5000, ReconnectBackoff.delayMs(1000, 100, 5000));
    }
}
