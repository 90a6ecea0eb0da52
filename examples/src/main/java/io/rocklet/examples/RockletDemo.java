package io.rocklet.examples;

import io.rocklet.examples.microservice.MicroserviceMain;

import java.io.PrintStream;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The main class of {@code rocklet-demo.jar}: {@code java -jar examples/target/rocklet-demo.jar [example] [args]}
 * runs one example, the quickstart when none is named. The jar's manifest carries the Chronicle
 * {@code Add-Opens}/{@code Add-Exports} entries, so no JVM flags are needed.
 */
public final class RockletDemo
{
    /** One runnable example. */
    @FunctionalInterface
    interface Example
    {
        void run(String[] args) throws Exception;
    }

    /** A named example and what it shows. */
    private record Entry(String description, Example example)
    {
    }

    private static final Map<String, Entry> EXAMPLES = new LinkedHashMap<>();
    /** Runs until stopped and has exit statuses of its own: not an {@link Example}. */
    private static final String MICROSERVICE = "microservice";

    static
    {
        EXAMPLES.put("quickstart", new Entry("embedded router and broker, a producer, a push consumer filtering by tag",
            Quickstart::main));
        EXAMPLES.put("ordered", new Entry("ordered messages: a sharding-key selector and an orderly consumer",
            OrderedMessages::main));
        EXAMPLES.put("broadcast", new Entry("broadcasting: every instance of a group gets every message",
            Broadcast::main));
        EXAMPLES.put("retry", new Entry("retry with back-off, the dead-letter queue shown and re-sent via Admin",
            RetryAndDeadLetter::main));
        EXAMPLES.put("pull", new Entry("pull consumer: poll, commit, then backtrack by time", PullBacktrack::main));
        EXAMPLES.put("admin", new Entry("admin tour: topics, queues, groups, lag, messages by key and id, cluster",
            AdminTour::main));
        EXAMPLES.put("store", new Entry("the storage engine alone: append, read, look up, restart [data-dir]",
            StoreDemo::main));
    }

    private RockletDemo()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int status = run(args, System.err);
        if (status != 0)
        {
            System.exit(status);
        }
    }

    /**
     * Runs the example named by {@code args[0]} (the quickstart when there is none) with the remaining arguments.
     *
     * @return 0, or 2 after printing the usage to {@code err} when the name is unknown ({@code help} prints it and
     *     returns 0).
     */
    static int run(final String[] args, final PrintStream err) throws Exception
    {
        final String name = args.length == 0 ? "quickstart" : args[0];
        if (name.equals("help") || name.equals("--help") || name.equals("-h"))
        {
            err.println(usage());
            return 0;
        }
        if (name.equals(MICROSERVICE))
        {
            return MicroserviceMain.run(Arrays.copyOfRange(args, 1, args.length), System.out, err);
        }
        final Entry entry = EXAMPLES.get(name);
        if (entry == null)
        {
            err.println("unknown example: " + name + System.lineSeparator() + usage());
            return 2;
        }
        entry.example().run(args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length));
        return 0;
    }

    static String usage()
    {
        final StringBuilder usage = new StringBuilder("usage: java -jar examples/target/rocklet-demo.jar [example]" +
            System.lineSeparator());
        EXAMPLES.forEach((name, entry) -> usage.append(String.format("  %-11s %s%n", name, entry.description())));
        usage.append(String.format("  %-11s %s%n", MICROSERVICE, "serve|consume: a service with its own router and " +
            "broker over gRPC, and a consumer in another JVM"));
        return usage.toString();
    }
}
