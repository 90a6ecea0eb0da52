package io.rocklet.server.admin;

import io.rocklet.api.ClientConfig;
import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.ConsumeResult;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.PushConsumer;
import io.rocklet.api.PushConsumerConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.SendReceipt;
import io.rocklet.client.RockletClients;
import io.rocklet.server.RockletServer;
import io.rocklet.server.ServerOptions;
import io.rocklet.transport.grpc.Await;
import io.rocklet.transport.grpc.GrpcTransport;
import io.rocklet.transport.grpc.GrpcTransportConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every admin command against a real router and broker over gRPC on loopback: the output (JSON, or the table) is
 * parsed and checked against the traffic the test made; exit codes for usage errors, unknown things and an
 * unreachable cluster.
 */
@Timeout(120)
class AdminCliTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path data;

    private static RockletServer router;
    private static RockletServer broker;
    private static GrpcTransport transport;
    private static RockletClient client;
    /** The router as host:port; {@link #routerUrl} as grpc://host:port: both forms are accepted everywhere. */
    private static String routerHostPort;
    private static String routerUrl;

    @BeforeAll
    static void startCluster()
    {
        router = RockletServer.start(ServerOptions.parse("router", "--port", "0", "--host", "127.0.0.1",
            "--plaintext", "--no-auth"));
        routerUrl = router.address();
        routerHostPort = routerUrl.substring("grpc://".length());
        final String levels = Stream.iterate(20, ms -> ms + 20).limit(18).map(ms -> ms + "ms")
            .collect(Collectors.joining(","));
        broker = RockletServer.start(ServerOptions.parse("broker", "--name", "broker-a", "--routers",
            routerHostPort, "--data", data.resolve("broker").toString(), "--port", "0", "--host", "127.0.0.1",
            "--segment-size", "8m", "--delay-levels", levels, "--auto-create-topics", "false", "--plaintext",
            "--no-auth"));
        transport = GrpcTransport.create(GrpcTransportConfig.builder().plaintext().ioThreads(1).executorThreads(2)
            .build());
        client = RockletClients.create(ClientConfig.builder().routers(routerUrl).build(), transport);
        Await.until(WAIT, () -> client.admin().clusterStatus().brokers().stream()
            .anyMatch(b -> b.address().equals(broker.address())), () -> "broker not registered");
    }

    @AfterAll
    static void stopCluster()
    {
        client.close();
        transport.close();
        broker.close();
        router.close();
    }

    @Test
    void shouldCreateListRouteStatUpdateAndDeleteTopicsWhenRunFromTheCommandLine()
    {
        final Run created = admin("topic", "create", "--topic", "orders", "--queues", "3", "--routers", routerUrl);
        assertEquals(0, created.status, created::toString);
        assertTrue(created.out.contains("orders") && created.out.contains("created"), created::toString);

        final Map<?, ?> route = (Map<?, ?>)admin("topic", "route", "--topic", "orders", "--json").json();
        final List<?> brokers = (List<?>)route.get("brokers");
        assertEquals(1, brokers.size(), route::toString);
        assertEquals("broker-a", ((Map<?, ?>)brokers.get(0)).get("brokerName"));
        assertEquals(3L, ((Map<?, ?>)brokers.get(0)).get("writeQueues"));

        try (Producer producer = client.newProducer(ProducerConfig.builder("pg-cli").build()))
        {
            for (int i = 0; i < 5; i++)
            {
                producer.send(Message.builder("orders").key("k" + i).body("order-" + i).build());
            }
        }
        final List<?> stats = (List<?>)admin("topic", "stats", "--topic", "orders", "--json").json();
        assertEquals(3, stats.size(), stats::toString);
        assertEquals(5L, stats.stream().mapToLong(s -> (Long)((Map<?, ?>)s).get("maxOffset")).sum(), stats::toString);
        final Run statsTable = admin("topic", "stats", "--topic", "orders");
        assertEquals(5, statsTable.column("MESSAGES").stream().mapToInt(Integer::parseInt).sum(), statsTable::toString);

        final Run updated = admin("topic", "update", "--topic", "orders", "--queues", "3", "--perm", "r");
        assertEquals(0, updated.status, updated::toString);
        final Run list = admin("topic", "list");
        final int row = list.column("TOPIC").indexOf("orders");
        assertEquals("r", list.column("PERM").get(row), list::toString);

        assertEquals(0, admin("topic", "delete", "--topic", "orders").status);
        final Run gone = admin("topic", "route", "--topic", "orders");
        assertEquals(AdminCli.NOT_FOUND, gone.status, gone::toString);
        assertTrue(gone.err.contains("orders"), gone::toString);
    }

    @Test
    void shouldShowProgressListMembersAndResetOffsetsWhenAGroupHasConsumed()
    {
        admin("topic", "create", "--topic", "audit", "--queues", "2").expectSuccess();
        send("audit", 6, "pg-audit");
        final AtomicInteger consumed = new AtomicInteger();
        try (PushConsumer consumer = client.newPushConsumer(PushConsumerConfig.builder("g-audit")
            .subscribe("audit", "*").consumeFrom(ConsumeFrom.FIRST).listener(messages ->
            {
                consumed.addAndGet(messages.size());
                return ConsumeResult.SUCCESS;
            }).build()))
        {
            Await.until(WAIT, () -> consumed.get() >= 6, () -> "consumed " + consumed);
            Await.until(WAIT, () -> lag("g-audit") == 0, () -> "lag " + admin("group", "progress", "--group",
                "g-audit"));

            final Run groups = admin("group", "list");
            assertTrue(groups.column("GROUP").contains("g-audit"), groups::toString);
            final List<?> members = (List<?>)admin("group", "members", "--group", "g-audit", "--json").json();
            assertEquals(1, members.size(), members::toString);
            assertEquals("CLUSTERING", ((Map<?, ?>)members.get(0)).get("messageModel"));
        }

        final Map<?, ?> reset = (Map<?, ?>)admin("group", "reset-offset", "--group", "g-audit", "--topic", "audit",
            "--to", "FIRST", "--json").json();
        assertEquals(2, reset.size(), reset::toString);
        assertTrue(reset.values().stream().allMatch(offset -> (Long)offset == 0L), reset::toString);
        assertEquals(6, lag("g-audit"), "every message is to be consumed again after the reset to FIRST");

        final Run byTime = admin("group", "reset-offset", "--group", "g-audit", "--topic", "audit", "--timestamp",
            "2999-01-01T00:00:00Z");
        assertEquals(0, byTime.status, byTime::toString);
        assertEquals(0, lag("g-audit"), "a time after the newest message resets to the end");
    }

    @Test
    void shouldFindMessagesByIdAndKeyWhenStored()
    {
        admin("topic", "create", "--topic", "lookups", "--queues", "1").expectSuccess();
        final SendReceipt receipt;
        try (Producer producer = client.newProducer(ProducerConfig.builder("pg-lookup").build()))
        {
            receipt = producer.send(Message.builder("lookups").tag("T").key("invoice-7").body("hello cli").build());
        }
        final Run byId = admin("message", "id", "--id", receipt.messageId());
        assertEquals(List.of(receipt.messageId()), byId.column("MESSAGE_ID"), byId::toString);
        assertEquals(List.of("hello cli"), byId.column("BODY"), byId::toString);

        final List<?> byKey = (List<?>)admin("message", "key", "--topic", "lookups", "--key", "invoice-7", "--json")
            .json();
        assertEquals(1, byKey.size(), byKey::toString);
        assertEquals(receipt.messageId(), ((Map<?, ?>)byKey.get(0)).get("messageId"));

        final Run unknown = admin("message", "id", "--id", "0A0000000000000000000000");
        assertEquals(AdminCli.NOT_FOUND, unknown.status, unknown::toString);
    }

    @Test
    void shouldListAndResendDeadLettersWhenAConsumerGaveUp()
    {
        admin("topic", "create", "--topic", "jobs", "--queues", "1").expectSuccess();
        final AtomicBoolean mended = new AtomicBoolean();
        final AtomicInteger succeeded = new AtomicInteger();
        try (PushConsumer consumer = client.newPushConsumer(PushConsumerConfig.builder("g-jobs")
            .subscribe("jobs", "*").maxReconsumeTimes(1).listener(messages ->
            {
                if (!mended.get())
                {
                    return ConsumeResult.RECONSUME_LATER;
                }
                succeeded.addAndGet(messages.size());
                return ConsumeResult.SUCCESS;
            }).build()))
        {
            send("jobs", 2, "pg-jobs");
            Await.until(WAIT, () -> admin("dlq", "list", "--group", "g-jobs").column("MESSAGE_ID").size() == 2,
                () -> "dead letters: " + admin("dlq", "list", "--group", "g-jobs"));
            mended.set(true);

            final List<?> resent = (List<?>)admin("dlq", "resend", "--group", "g-jobs", "--json").json();
            assertEquals(2, resent.size(), resent::toString);
            Await.until(WAIT, () -> succeeded.get() == 2, () -> "re-sent and consumed: " + succeeded);
        }
    }

    @Test
    void shouldPrintEveryRouterAndBrokerWhenAskedForClusterStatus()
    {
        final Map<?, ?> status = (Map<?, ?>)admin("cluster", "status", "--json").json();
        final List<?> brokers = (List<?>)status.get("brokers");
        assertEquals(List.of(broker.address()), brokers.stream().map(b -> ((Map<?, ?>)b).get("address")).toList());
        final Run table = admin("cluster", "status");
        assertEquals(0, table.status, table::toString);
        assertTrue(table.out.contains("broker-a") && table.out.contains(routerUrl), table::toString);
    }

    @Test
    void shouldExitWithAClearErrorAndStatusWhenTheCommandLineIsWrongOrTheClusterUnreachable()
    {
        final Run missing = admin("topic", "create");
        assertEquals(2, missing.status, missing::toString);
        assertTrue(missing.err.contains("--topic"), missing::toString);

        final Run badPermission = admin("topic", "create", "--topic", "x", "--perm", "sometimes");
        assertEquals(2, badPermission.status, badPermission::toString);
        assertTrue(badPermission.err.contains("--perm wants rw, r, w or none, got 'sometimes'"),
            badPermission::toString);

        final Run badAddress = admin("topic", "list", "--routers", "nowhere");
        assertEquals(2, badAddress.status, badAddress::toString);
        assertTrue(badAddress.err.contains("--routers wants host:port or grpc://host:port, got 'nowhere'"),
            badAddress::toString);

        final Run badTime = admin("group", "reset-offset", "--group", "g", "--topic", "t", "--timestamp", "noon");
        assertEquals(2, badTime.status, badTime::toString);
        assertTrue(badTime.err.contains("ISO-8601"), badTime::toString);

        final Run unreachable = admin("cluster", "status", "--routers", "127.0.0.1:1", "--timeout", "2s");
        assertEquals(AdminCli.UNREACHABLE, unreachable.status, unreachable::toString);
        assertTrue(unreachable.out.contains("false"), unreachable::toString);
        final Run noRoute = admin("topic", "route", "--topic", "t", "--routers", "grpc://127.0.0.1:1", "--timeout",
            "2s");
        assertEquals(AdminCli.UNREACHABLE, noRoute.status, noRoute::toString);

        final Run help = admin("--help");
        assertEquals(0, help.status, help::toString);
        assertTrue(help.out.contains("topic") && help.out.contains("Exit codes"), help::toString);
        final Run commandHelp = admin("group", "reset-offset", "--help");
        assertEquals(0, commandHelp.status, commandHelp::toString);
        assertTrue(commandHelp.out.contains("--timestamp=<timestamp>"), commandHelp::toString);
    }

    private static long lag(final String group)
    {
        final Map<?, ?> progress = (Map<?, ?>)admin("group", "progress", "--group", group, "--json").json();
        return ((List<?>)progress.get("queues")).stream().mapToLong(q -> (Long)((Map<?, ?>)q).get("lag")).sum();
    }

    private static void send(final String topic, final int count, final String group)
    {
        try (Producer producer = client.newProducer(ProducerConfig.builder(group).build()))
        {
            for (int i = 0; i < count; i++)
            {
                producer.send(Message.builder(topic).body(topic + "-" + i).build());
            }
        }
    }

    /**
     * Runs {@code admin <args>} against the test's router (host:port form) unless the arguments name routers.
     */
    private static Run admin(final String... args)
    {
        final List<String> all = new ArrayList<>(Arrays.asList(args));
        if (!all.contains("--routers") && !all.contains("--help"))
        {
            all.add("--routers");
            all.add(routerHostPort);
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = AdminCli.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(all, status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Run(List<String> args, int status, String out, String err)
    {
        Object json()
        {
            expectSuccess();
            return JsonReader.read(out);
        }

        void expectSuccess()
        {
            assertEquals(0, status, this::toString);
        }

        /**
         * @return the cells of a table column, top to bottom (the header line first in the output).
         */
        List<String> column(final String header)
        {
            expectSuccess();
            final List<String> lines = out.lines().filter(line -> !line.isBlank()).toList();
            final String head = lines.get(0);
            final int start = head.indexOf(header);
            assertTrue(start >= 0, () -> "no column " + header + " in " + this);
            final int next = nextColumn(head, start + header.length());
            final List<String> cells = new ArrayList<>();
            for (final String line : lines.subList(1, lines.size()))
            {
                if (line.equals("(none)"))
                {
                    continue;
                }
                final String cell = line.length() <= start ? "" :
                    line.substring(start, next < 0 ? line.length() : Math.min(next, line.length()));
                cells.add(cell.strip());
            }
            return cells;
        }

        private static int nextColumn(final String head, final int from)
        {
            for (int i = from; i < head.length(); i++)
            {
                if (head.charAt(i) != ' ')
                {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public String toString()
        {
            return "admin " + String.join(" ", args) + " -> " + status + "\nout:\n" + out + "\nerr:\n" + err;
        }
    }
}
