package io.rocklet.cluster;

import io.rocklet.api.ClientConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.auth.Credentials;
import io.rocklet.client.RockletClients;
import io.rocklet.client.internal.DefaultRockletClient;
import io.rocklet.testkit.MessageAccounting;
import io.rocklet.transport.grpc.GrpcTransport;
import io.rocklet.transport.grpc.GrpcTransportConfig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * A producer or a consumer in a JVM of its own, over {@link GrpcTransport} (plaintext), for the multi-JVM tests.
 * Test code, not a tool.
 *
 * <pre>
 * ClientMain producer|consumer|txn-producer --name N --routers host:port,host:port --topic T --journal FILE
 *            [--route-refresh-ms 30000] [--access-key K --secret S] [options]
 * producer: [--count N (0: until STOP)] [--rate per-second (0: as fast as sends return)] [--keys K (sharding keys,
 *           for ordered sends)] [--tags A,B,C (round robin)] [--timeline FILE (one line per send)]
 * consumer: --group G [--model clustering|broadcasting] [--orderly] [--tags "A || B"] [--fail-every N (fail the
 *           first delivery of every Nth message of a stream)] [--offsets DIR (broadcasting)] [--commit-ms 5000]
 *           [--long-poll-ms 15000]
 * </pre>
 *
 * Every send (OK / FAILED / UNKNOWN) and every receipt is booked in a {@link MessageAccounting} journal; a message
 * body is {@code <stream> <sequence>}. Standard output carries the lines the tests wait for: {@code READY <role>
 * <name>} once started; {@code PROGRESS key=value...} whenever the counts change (checked every 50 ms; with
 * {@code router=<port>}, the router the client asks first); {@code DONE key=value...} after the producer sent
 * {@code --count} messages, or after {@code STOP} on standard input (or its end: the test JVM went away), once
 * everything is closed; then the JVM exits 0. A failure to start prints {@code FAILED <error>} and exits 1.
 */
public final class ClientMain
{
    private static final long PROGRESS_NS = 50_000_000L;

    private ClientMain()
    {
    }

    /** What a producer or a consumer does between READY and DONE. */
    interface Role
    {
        /**
         * @return completes when the role has nothing more to do (a producer sent its count); may never complete.
         */
        CompletableFuture<Void> start();

        /**
         * @return the current counts as {@code key=value} pairs.
         */
        String counts();

        /**
         * Stops sending or consuming; returns once everything in flight has finished.
         */
        void stop();
    }

    public static void main(final String[] args)
    {
        final Map<String, String> options;
        try
        {
            options = parse(args);
        }
        catch (final IllegalArgumentException e)
        {
            System.out.println("FAILED " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(args[0], options));
    }

    private static int run(final String kind, final Map<String, String> options)
    {
        final String name = required(options, "name");
        final GrpcTransport transport = GrpcTransport.create(GrpcTransportConfig.builder().plaintext()
            .ioThreads(1).executorThreads(2).build());
        final List<String> routers = new ArrayList<>();
        for (final String router : required(options, "routers").split(","))
        {
            routers.add("grpc://" + router.trim());
        }
        final RockletClient client = RockletClients.create(ClientConfig.builder().routers(routers)
            .routeRefreshInterval(Duration.ofMillis(number(options, "route-refresh-ms", 30_000)))
            .instanceName(name).credentials(credentials(options)).build(), transport);
        final MessageAccounting accounting = MessageAccounting.journal(Path.of(required(options, "journal")));
        final Role role;
        final CompletableFuture<Void> finished;
        try
        {
            role = switch (kind)
            {
                case "producer" -> new ProducerRole(client, name, options, accounting);
                case "consumer" -> new ConsumerRole(client, name, options, accounting);
                case "txn-producer" -> new TransactionRole(client, name, options);
                default -> throw new IllegalArgumentException("unknown role: " + kind);
            };
            finished = role.start();
        }
        catch (final RuntimeException e)
        {
            e.printStackTrace();
            System.out.println("FAILED " + e);
            return 1;
        }
        System.out.println("READY " + kind + " " + name);
        System.out.flush();
        final CompletableFuture<Void> stop = CompletableFuture.anyOf(finished, stopCommand()).thenRun(() -> { });
        final Thread reporter = new Thread(() -> report(client, role, accounting, stop), "progress-reporter");
        reporter.setDaemon(true);
        reporter.start();
        stop.join();
        joinQuietly(reporter);
        role.stop();
        final String counts = role.counts() + " router=" + routerPort(client);
        accounting.close();
        client.close();
        transport.close();
        System.out.println("PROGRESS " + counts);
        System.out.println("DONE " + counts);
        System.out.flush();
        return 0;
    }

    /**
     * Prints the counts whenever they change, and flushes the journal.
     */
    private static void report(final RockletClient client, final Role role, final MessageAccounting accounting,
        final CompletableFuture<Void> stop)
    {
        String last = "";
        while (!stop.isDone())
        {
            final String counts = role.counts() + " router=" + routerPort(client);
            if (!counts.equals(last))
            {
                System.out.println("PROGRESS " + counts);
                System.out.flush();
                last = counts;
            }
            accounting.flush();
            LockSupport.parkNanos(PROGRESS_NS);
        }
    }

    /**
     * @return the port of the router the client asks first now (it changes when that router fails).
     */
    private static String routerPort(final RockletClient client)
    {
        final String router = ((DefaultRockletClient) client).context().routers().preferredRouter();
        return router.substring(router.lastIndexOf(':') + 1);
    }

    private static void joinQuietly(final Thread thread)
    {
        try
        {
            thread.join();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * @return completes on a STOP line or at the end of standard input.
     */
    private static CompletableFuture<Void> stopCommand()
    {
        final CompletableFuture<Void> stop = new CompletableFuture<>();
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = in.readLine()) != null && !line.trim().equals("STOP"))
                {
                    System.out.println("IGNORED " + line);
                }
            }
            catch (final IOException e)
            {
                // as the end of input: stop
            }
            stop.complete(null);
        }, "stdin-commands");
        reader.setDaemon(true);
        reader.start();
        return stop;
    }

    private static Map<String, String> parse(final String[] args)
    {
        if (args.length == 0)
        {
            throw new IllegalArgumentException("usage: ClientMain producer|consumer --name N ...");
        }
        final Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++)
        {
            if (!args[i].startsWith("--"))
            {
                throw new IllegalArgumentException("unexpected argument: " + args[i]);
            }
            final String key = args[i].substring(2);
            if (i + 1 < args.length && !args[i + 1].startsWith("--"))
            {
                options.put(key, args[++i]);
            }
            else
            {
                options.put(key, "true");
            }
        }
        return options;
    }

    /**
     * @return the credentials of {@code --access-key K --secret S}, or null without them.
     */
    private static Credentials credentials(final Map<String, String> options)
    {
        final String accessKey = options.get("access-key");
        return accessKey == null ? null : new Credentials(accessKey, required(options, "secret"));
    }

    static String required(final Map<String, String> options, final String name)
    {
        final String value = options.get(name);
        if (value == null)
        {
            throw new IllegalArgumentException("missing --" + name);
        }
        return value;
    }

    static long number(final Map<String, String> options, final String name, final long defaultValue)
    {
        final String value = options.get(name);
        return value == null ? defaultValue : Long.parseLong(value);
    }
}
