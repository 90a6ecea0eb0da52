package io.rocklet.cluster;

import io.rocklet.server.ServerMain;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A standalone router or broker ({@link ServerMain}) in a child JVM, plaintext on 127.0.0.1. The first start binds
 * port 0 and learns its address from the {@code READY <role> <address>} line; {@link #restart()} starts it again
 * with the same arguments on the same port (and, for a broker, the same data directory). Not thread-safe: one
 * test drives it.
 */
final class ServerProcess implements AutoCloseable
{
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final Path log;
    private final List<String> args;
    private ChildProcess process;
    private String address;
    private int port;

    private ServerProcess(final String name, final Path log, final List<String> args)
    {
        this.name = name;
        this.log = log;
        this.args = List.copyOf(args);
    }

    /**
     * Starts a router on a free port; call {@link #awaitReady()} before using it.
     */
    static ServerProcess router(final String name, final Path logDirectory)
    {
        return router(name, logDirectory, List.of("--no-auth"));
    }

    /**
     * @param auth {@code --no-auth}, or {@code --auth FILE}.
     */
    static ServerProcess router(final String name, final Path logDirectory, final List<String> auth)
    {
        final List<String> args = new ArrayList<>(List.of("router", "--plaintext"));
        args.addAll(auth);
        final ServerProcess router = new ServerProcess(name, logDirectory.resolve(name + ".log"), args);
        router.launch(0);
        return router;
    }

    /**
     * Starts a master broker on a free port with SYNC flush; call {@link #awaitReady()} before using it.
     *
     * @param routers {@code host:port,host:port}.
     * @param extra   more options, e.g. {@code --delay-levels 1s,1s,1s} or {@code --auth FILE} (else
     *                {@code --no-auth}).
     */
    static ServerProcess broker(final String brokerName, final String routers, final Path dataDirectory,
        final Path logDirectory, final String... extra)
    {
        final List<String> args = new ArrayList<>(List.of("broker", "--name", brokerName, "--id", "0", "--routers",
            routers, "--data", dataDirectory.toString(), "--flush", "sync", "--plaintext"));
        args.addAll(List.of(extra));
        if (!args.contains("--auth"))
        {
            args.add("--no-auth");
        }
        final ServerProcess broker = new ServerProcess(brokerName, logDirectory.resolve(brokerName + ".log"), args);
        broker.launch(0);
        return broker;
    }

    /**
     * Starts a failover controller (a Raft group of one on {@code raftPort}); call {@link #awaitReady()} before using
     * it.
     */
    static ServerProcess controller(final String name, final int raftPort, final Path dataDirectory,
        final Path logDirectory, final String... extra)
    {
        return controller(name, name + "=127.0.0.1:" + raftPort, dataDirectory, logDirectory, extra);
    }

    /**
     * Starts failover controller {@code name}, a member of the Raft group {@code peers}; call {@link #awaitReady()}
     * before using it.
     *
     * @param peers every member's Raft address, {@code c1=127.0.0.1:port,c2=...}, this one's included.
     */
    static ServerProcess controller(final String name, final String peers, final Path dataDirectory,
        final Path logDirectory, final String... extra)
    {
        final List<String> args = new ArrayList<>(List.of("controller", "--controller-id", name,
            "--controller-peers", peers, "--data", dataDirectory.toString(), "--plaintext"));
        args.addAll(List.of(extra));
        final ServerProcess controller = new ServerProcess(name, logDirectory.resolve(name + ".log"), args);
        controller.launch(0);
        return controller;
    }

    /**
     * Starts replica {@code replicaId} of replica set {@code brokerName} under failover controllers (SYNC flush);
     * call {@link #awaitReady()} before using it.
     *
     * @param name        the process's name (its log file).
     * @param controllers {@code host:port,...}.
     */
    static ServerProcess replica(final String name, final String brokerName, final int replicaId,
        final String routers, final String controllers, final Path dataDirectory, final Path logDirectory,
        final String... extra)
    {
        final List<String> args = new ArrayList<>(List.of("broker", "--name", brokerName, "--id",
            Integer.toString(replicaId), "--routers", routers, "--controllers", controllers, "--data",
            dataDirectory.toString(), "--flush", "sync", "--plaintext", "--no-auth"));
        args.addAll(List.of(extra));
        final ServerProcess replica = new ServerProcess(name, logDirectory.resolve(name + ".log"), args);
        replica.launch(0);
        return replica;
    }

    /**
     * Waits for the READY line and learns the address.
     *
     * @return this.
     */
    ServerProcess awaitReady()
    {
        final String ready = process.awaitLine(line -> line.startsWith("READY "), START_TIMEOUT, "READY");
        final String[] fields = ready.split(" ");
        address = fields[2];
        final int bound = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        if (port != 0)
        {
            assertEquals(port, bound, name + " restarted on another port" + process.describe());
        }
        port = bound;
        return this;
    }

    /**
     * @return {@code grpc://127.0.0.1:<port>}.
     */
    String address()
    {
        return address;
    }

    /**
     * @return {@code 127.0.0.1:<port>}, as {@code --routers} takes it.
     */
    String hostAndPort()
    {
        return address.substring("grpc://".length());
    }

    String name()
    {
        return name;
    }

    boolean alive()
    {
        return process.alive();
    }

    /**
     * Kills the JVM with SIGKILL (no shutdown hook, no flush, no checkpoint) and waits until it is gone.
     */
    void kill9()
    {
        process.kill9();
    }

    /**
     * Freezes the JVM with SIGSTOP (a long pause: it neither answers nor sends) until {@link #resume()}.
     */
    void pause()
    {
        process.signal("STOP");
    }

    /**
     * Lets a JVM frozen by {@link #pause()} run again (SIGCONT).
     */
    void resume()
    {
        process.signal("CONT");
    }

    /**
     * Stops the JVM with SIGTERM and checks that it shut down gracefully (exit code 0).
     */
    void stop()
    {
        terminate();
        awaitStopped();
    }

    /**
     * Sends SIGTERM without waiting (to stop several servers at once; then {@link #awaitStopped()}).
     */
    void terminate()
    {
        process.terminate();
    }

    /**
     * Waits for the exit after {@link #terminate()} and checks that it was graceful (exit code 0).
     */
    void awaitStopped()
    {
        final int exit = process.awaitExit(STOP_TIMEOUT);
        assertEquals(0, exit, name + ": exit code after SIGTERM" + process.describe());
    }

    /**
     * Starts the server again (after {@link #kill9()} or {@link #stop()}) with the same options, on the port it had;
     * waits for READY on that port.
     */
    void restart()
    {
        if (process.alive())
        {
            throw new IllegalStateException(name + " is still running");
        }
        launch(port);
        awaitReady();
    }

    /**
     * Waits for a line of the server's log file (its logging, every run since the first start) that passes
     * {@code test}.
     *
     * @return the first such line.
     */
    String awaitLogLine(final java.util.function.Predicate<String> test, final Duration timeout, final String what)
    {
        final String[] found = new String[1];
        io.rocklet.transport.grpc.Await.until(timeout, () -> (found[0] = logLines().stream().filter(test)
            .findFirst().orElse(null)) != null, () -> name + ": no log line of " + what + process.describe());
        return found[0];
    }

    private List<String> logLines()
    {
        try
        {
            return java.nio.file.Files.readAllLines(log, java.nio.charset.StandardCharsets.UTF_8);
        }
        catch (final java.io.IOException | java.io.UncheckedIOException e)
        {
            return List.of(); // being written: read again
        }
    }

    /**
     * @return the log's tail, for assertion messages.
     */
    String describe()
    {
        return process.describe();
    }

    /**
     * Kills the JVM if it still runs. Idempotent.
     */
    @Override
    public void close()
    {
        if (process != null)
        {
            process.close();
        }
    }

    private void launch(final int onPort)
    {
        final List<String> command = new ArrayList<>(args);
        command.addAll(List.of("--port", Integer.toString(onPort)));
        process = ChildProcess.start(name, log, ServerMain.class, command);
    }
}
