package io.rocklet.examples.microservice;

import io.rocklet.api.RockletException;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code rocklet-demo.jar microservice}: a microservice that bundles its own router and broker
 * ({@link OrderDesk}), and a consumer another JVM runs against it ({@link RemoteConsumer}).
 *
 * <pre>
 * java -jar examples/target/rocklet-demo.jar microservice serve [--port 0] [--host 127.0.0.1] [--data DIR] [--every 1s]
 * java -jar examples/target/rocklet-demo.jar microservice consume --router 127.0.0.1:PORT [--group shipping] [--count 0]
 * </pre>
 * {@code serve} prints {@code READY microservice grpc://host:port} once the router, broker and its own clients run,
 * then one line per order sent and audited, until SIGTERM or Ctrl-C (a shutdown hook closes everything).
 * {@code consume} prints every order it receives, and exits after {@code --count} orders (0: runs until stopped).
 * Bad arguments print the usage and exit 2.
 */
public final class MicroserviceMain
{
    static final String USAGE = """
        usage: java -jar examples/target/rocklet-demo.jar microservice serve [--port 0] [--host 127.0.0.1] [--data DIR] \
        [--every 1s]
               java -jar examples/target/rocklet-demo.jar microservice consume --router HOST:PORT [--group shipping] \
        [--count 0]""";

    private static final Set<String> SERVE_OPTIONS = Set.of("port", "host", "data", "every");
    private static final Set<String> CONSUME_OPTIONS = Set.of("router", "group", "count");

    private MicroserviceMain()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        final int status = run(args, System.out, System.err);
        if (status != 0)
        {
            System.exit(status);
        }
    }

    /**
     * Runs {@code serve} or {@code consume}.
     *
     * @return 0 when done, 1 when it could not start, 2 for bad arguments (after printing the usage to {@code err}).
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err) throws InterruptedException
    {
        final String mode = args.length == 0 ? "" : args[0];
        try
        {
            switch (mode)
            {
                case "serve" ->
                {
                    final Map<String, String> options = options(args, SERVE_OPTIONS);
                    final String data = options.get("data");
                    serve(options.getOrDefault("host", "127.0.0.1"), port(options.getOrDefault("port", "0")),
                        data == null ? null : Path.of(data), every(options.getOrDefault("every", "1s")), out);
                    return 0;
                }
                case "consume" ->
                {
                    final Map<String, String> options = options(args, CONSUME_OPTIONS);
                    final String router = options.get("router");
                    if (router == null)
                    {
                        throw new IllegalArgumentException("consume needs --router HOST:PORT (serve prints it)");
                    }
                    consume(router, options.getOrDefault("group", "shipping"),
                        count(options.getOrDefault("count", "0")), out);
                    return 0;
                }
                default -> throw new IllegalArgumentException("say serve or consume" +
                    (mode.isEmpty() ? "" : ", not '" + mode + "'"));
            }
        }
        catch (final IllegalArgumentException e)
        {
            err.println("rocklet-microservice: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        catch (final RockletException e)
        {
            err.println("rocklet-microservice: cannot start: " + e.getMessage());
            return 1;
        }
    }

    private static void serve(final String host, final int port, final Path data, final Duration every,
        final PrintStream out) throws InterruptedException
    {
        final OrderDesk desk = OrderDesk.start(host, port, data, every, out);
        untilStopped(desk::close);
        out.println("READY microservice " + desk.address());
        out.flush();
        new CountDownLatch(1).await();          // the shutdown hook closes the desk; the JVM then exits
    }

    private static void consume(final String router, final String group, final int count, final PrintStream out)
        throws InterruptedException
    {
        final RemoteConsumer consumer = new RemoteConsumer(router, group, count == 0 ? Integer.MAX_VALUE : count,
            out);
        untilStopped(consumer::close);
        out.println("CONSUMING group=" + group + " from grpc://" + router);
        out.flush();
        consumer.awaitOrders();
        consumer.close();
        out.println("consumed " + count + " orders");
    }

    private static void untilStopped(final Runnable close)
    {
        Runtime.getRuntime().addShutdownHook(new Thread(close, "microservice-shutdown"));
    }

    private static Map<String, String> options(final String[] args, final Set<String> known)
    {
        final Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i += 2)
        {
            final String name = args[i].startsWith("--") ? args[i].substring(2) : "";
            if (!known.contains(name))
            {
                throw new IllegalArgumentException("unknown option for " + args[0] + ": " + args[i]);
            }
            if (i + 1 >= args.length)
            {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            options.put(name, args[i + 1]);
        }
        return options;
    }

    private static int port(final String value)
    {
        final int port = number("--port", value);
        if (port > 65535)
        {
            throw new IllegalArgumentException("--port wants 0 to 65535, got '" + value + "'");
        }
        return port;
    }

    private static int count(final String value)
    {
        return number("--count", value);
    }

    private static int number(final String option, final String value)
    {
        try
        {
            final int number = Integer.parseInt(value);
            if (number >= 0)
            {
                return number;
            }
        }
        catch (final NumberFormatException e)
        {
            // reported below
        }
        throw new IllegalArgumentException(option + " wants a number >= 0, got '" + value + "'");
    }

    private static Duration every(final String value)
    {
        final String text = value.toLowerCase(Locale.ROOT);
        try
        {
            final Duration every = text.endsWith("ms") ? Duration.ofMillis(Long.parseLong(text.replace("ms", ""))) :
                text.endsWith("s") ? Duration.ofSeconds(Long.parseLong(text.replace("s", ""))) : null;
            if (every != null && every.toMillis() >= 10)
            {
                return every;
            }
        }
        catch (final NumberFormatException e)
        {
            // reported below
        }
        throw new IllegalArgumentException("--every wants a duration of at least 10ms such as 250ms or 2s, got '" +
            value + "'");
    }
}
