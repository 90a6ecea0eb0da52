package io.rocklet.controller;

import io.rocklet.api.InvalidArgumentException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ControllerConfigTest
{
    @Test
    void shouldNameFieldWhenValueIsIllegal()
    {
        assertMessage("peers=", ControllerConfig.builder("c9").peer("c1", "h:1").dataDirectory(Path.of("d")));
        assertMessage("peers.c1=h:0", ControllerConfig.builder("c1").peer("c1", "h:0").dataDirectory(Path.of("d")));
        assertMessage("dataDirectory=", ControllerConfig.builder("c1").peer("c1", "h:1"));
        assertMessage("id=a b", ControllerConfig.builder("a b").peer("a b", "h:1").dataDirectory(Path.of("d")));
        assertMessage("heartbeatTimeout=PT0S", ControllerConfig.builder("c1").peer("c1", "h:1")
            .dataDirectory(Path.of("d")).heartbeatTimeout(Duration.ZERO));
    }

    @Test
    void shouldReadPeerListWhenWellFormed()
    {
        assertEquals(Map.of("1", "127.0.0.1:9871", "2", "127.0.0.1:9872"),
            ControllerConfig.parsePeers("1=127.0.0.1:9871, 2=127.0.0.1:9872"));
        assertThrows(InvalidArgumentException.class, () -> ControllerConfig.parsePeers("1=a:1,1=b:2"));
        assertThrows(InvalidArgumentException.class, () -> ControllerConfig.parsePeers("a:1"));
    }

    private static void assertMessage(final String expected, final ControllerConfig.Builder builder)
    {
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class, builder::build);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
