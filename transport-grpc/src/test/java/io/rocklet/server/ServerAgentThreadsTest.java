package io.rocklet.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A standalone router or broker runs its agents (a broker's store's included) on one agent-host thread named after
 * its role, which stops when the server closes (issue 15).
 */
@Timeout(60)
class ServerAgentThreadsTest
{
    private static final List<String> AGENT_PREFIXES = List.of("rocklet-agents-", "rocklet-dispatcher",
        "rocklet-housekeeper", "rocklet-broker-", "rocklet-router-");

    @TempDir
    Path data;

    private final Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());

    @Test
    void shouldRunEachServersAgentsOnOneThreadNamedAfterItsRoleWhenStarted()
    {
        try (RockletServer router = RockletServer.start(ServerOptions.parse("router", "--port", "0", "--plaintext",
            "--no-auth")))
        {
            assertEquals(Set.of("rocklet-agents-router"), agentThreads());
            try (RockletServer broker = RockletServer.start(ServerOptions.parse("broker", "--name", "b1",
                "--routers", router.address(), "--data", data.toString(), "--port", "0", "--segment-size", "8m",
                "--plaintext", "--no-auth")))
            {
                assertEquals(Set.of("rocklet-agents-router", "rocklet-agents-broker-b1"), agentThreads());
            }
            assertEquals(Set.of("rocklet-agents-router"), agentThreads(), "the broker's thread ends with it");
        }
        assertEquals(Set.of(), agentThreads());
    }

    private Set<String> agentThreads()
    {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && !before.contains(t))
            .map(Thread::getName)
            .filter(n -> AGENT_PREFIXES.stream().anyMatch(n::startsWith))
            .collect(Collectors.toSet());
    }
}
