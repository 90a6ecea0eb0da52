package io.rocklet.controller;

import io.rocklet.api.spi.ControllerService.ReplicaSetState;
import io.rocklet.testing.Await;
import org.agrona.concurrent.CachedEpochClock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Three (or n) controllers in one JVM on loopback ports picked free, with one manual clock and INVOKER threading: the
 * test runs their agents ({@link #doWork()}) and moves the clock, so heartbeat timeouts never depend on timing.
 */
final class ControllerGroup implements AutoCloseable
{
    static final Duration WAIT = Duration.ofSeconds(20);

    final CachedEpochClock clock = new CachedEpochClock();
    private final Map<String, String> peers = new LinkedHashMap<>();
    private final Path directory;
    private final UnaryOperator<ControllerConfig.Builder> customize;
    private final Controller[] controllers;

    ControllerGroup(final int size, final Path directory, final UnaryOperator<ControllerConfig.Builder> customize)
    {
        this.directory = directory;
        this.customize = customize;
        this.controllers = new Controller[size];
        clock.update(1_000_000);
        for (int i = 0; i < size; i++)
        {
            peers.put("c" + i, "127.0.0.1:" + freePort());
        }
        for (int i = 0; i < size; i++)
        {
            start(i);
        }
    }

    ControllerGroup(final Path directory)
    {
        this(3, directory, builder -> builder);
    }

    /** Starts (or restarts, from its data directory) controller {@code index}. */
    Controller start(final int index)
    {
        final String id = "c" + index;
        final ControllerConfig.Builder builder = ControllerConfig.builder(id)
            .peers(peers)
            .dataDirectory(directory.resolve(id))
            .clock(clock)
            .threadingMode(ControllerConfig.ThreadingMode.INVOKER)
            .raftElectionTimeout(Duration.ofMillis(300))
            .requestTimeout(Duration.ofSeconds(2));
        controllers[index] = Controller.start(customize.apply(builder).build(), null);
        return controllers[index];
    }

    /** Closes controller {@code index} (its data directory stays). */
    void stop(final int index)
    {
        controllers[index].close();
        controllers[index] = null;
    }

    Controller get(final int index)
    {
        return controllers[index];
    }

    /** Waits for a leader among the running controllers and lets every agent see the leadership. */
    Controller awaitLeader()
    {
        final Controller[] leader = new Controller[1];
        Await.until(() ->
        {
            doWork();
            for (final Controller controller : running())
            {
                if (controller.isLeader())
                {
                    leader[0] = controller;
                    return true;
                }
            }
            return false;
        }, WAIT, "a controller leader");
        return leader[0];
    }

    /** Runs every running controller's agent once. */
    void doWork()
    {
        running().forEach(Controller::doWork);
    }

    /** Waits until every running controller has applied a state that {@code condition} accepts. */
    void awaitEverywhere(final String brokerName, final java.util.function.Predicate<ReplicaSetState> condition,
        final String what)
    {
        Await.until(() -> running().stream().allMatch(controller ->
        {
            final ReplicaSetState state = controller.localState(brokerName);
            return state != null && condition.test(state);
        }), WAIT, what);
    }

    List<Controller> running()
    {
        final List<Controller> running = new ArrayList<>();
        for (final Controller controller : controllers)
        {
            if (controller != null)
            {
                running.add(controller);
            }
        }
        return running;
    }

    int indexOf(final Controller controller)
    {
        for (int i = 0; i < controllers.length; i++)
        {
            if (controllers[i] == controller)
            {
                return i;
            }
        }
        throw new IllegalArgumentException("not running: " + controller);
    }

    @Override
    public void close()
    {
        for (int i = 0; i < controllers.length; i++)
        {
            if (controllers[i] != null)
            {
                stop(i);
            }
        }
    }

    static int freePort()
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }
}
