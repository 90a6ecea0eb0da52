package io.rocklet.server.admin;

import io.rocklet.api.ClientConfig;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.Message;
import io.rocklet.api.Producer;
import io.rocklet.api.ProducerConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.auth.Credentials;
import io.rocklet.auth.AclFile;
import io.rocklet.client.RockletClients;
import io.rocklet.server.RockletServer;
import io.rocklet.server.ServerOptions;
import io.rocklet.transport.grpc.Await;
import io.rocklet.transport.grpc.GrpcTransport;
import io.rocklet.transport.grpc.GrpcTransportConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The {@code admin user} and {@code admin policy} commands against a real router and broker served with
 * {@code --auth}: output parsed (JSON and tables), changes in force on the next call, refusals and bad rules with
 * their exit codes, and no secret in any output.
 */
@Timeout(120)
class AccessCliTest
{
    private static final List<String> RULES = List.of(
        "user ops kind=super secret=ops-secret",
        "user app kind=client secret=app-secret",
        "user broker-a kind=member secret=member-secret");

    @TempDir
    Path directory;
    private RockletServer router;
    private RockletServer broker;
    private GrpcTransport transport;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private Path opsSecret;
    private Path appSecret;

    @BeforeEach
    void start() throws IOException
    {
        final Path routerRules = directory.resolve("router.acl");
        final Path brokerRules = directory.resolve("broker.acl");
        AclFile.write(routerRules, AclFile.parse(RULES, "test"));
        AclFile.write(brokerRules, AclFile.parse(RULES, "test"));
        opsSecret = Files.writeString(directory.resolve("ops.secret"), "ops-secret\n");
        appSecret = Files.writeString(directory.resolve("app.secret"), "app-secret\n");
        router = RockletServer.start(ServerOptions.parse("router", "--port", "0", "--host", "127.0.0.1",
            "--plaintext", "--auth", routerRules.toString()));
        broker = RockletServer.start(ServerOptions.parse("broker", "--name", "broker-a", "--routers",
            router.address(), "--data", directory.resolve("broker").toString(), "--port", "0", "--host",
            "127.0.0.1", "--segment-size", "8m", "--plaintext", "--auth", brokerRules.toString()));
        transport = GrpcTransport.create(GrpcTransportConfig.builder().plaintext().ioThreads(1).executorThreads(2)
            .build());
        final RockletClient ops = client(new Credentials("ops", "ops-secret"));
        Await.until(Duration.ofSeconds(30), () -> ops.admin().clusterStatus().brokers().stream()
            .anyMatch(b -> b.address().equals(broker.address())), () -> "broker not registered");
        ops.admin().createTopic(TopicConfig.of("payments", 2));
    }

    @AfterEach
    void stop() throws Exception
    {
        for (int i = closing.size() - 1; i >= 0; i--)
        {
            closing.get(i).close();
        }
        transport.close();
        broker.close();
        router.close();
    }

    @Test
    void shouldCreateGrantUpdateAndDeleteUserWhenRunFromTheCommandLine() throws IOException
    {
        final Path newSecret = Files.writeString(directory.resolve("pay.secret"), "pay-secret-value\n");
        final Run created = ops("user", "create", "--broker", broker.address(), "--name", "pay",
            "--user-secret-file", newSecret.toString());
        assertEquals("created", created.cell("RESULT", 0), created::toString);
        ops("user", "create", "--name", "pay", "--user-secret-file", newSecret.toString()).expectSuccess(); // router
        ops("policy", "put", "--user", "pay", "--rule", "allow Pub topic:payments").expectSuccess();
        final Producer producer = client(new Credentials("pay", "pay-secret-value"))
            .newProducer(ProducerConfig.builder("pay-group").build());
        final Message message = Message.builder("payments").body("x").build();
        assertEquals(ErrorCode.PERMISSION_DENIED, assertThrows(RockletException.class,
            () -> producer.send(message)).errorCode());

        ops("policy", "put", "--broker", broker.address(), "--user", "pay", "--rule", "allow Pub topic:payments",
            "--rule", "deny Pub topic:payments-audit from=10.0.0.0/8").expectSuccess();

        assertNotNull(producer.send(message).messageId());
        final List<?> policies = (List<?>)ops("policy", "list", "--broker", broker.address(), "--user", "pay",
            "--json").json();
        assertEquals(2, policies.size(), policies::toString);
        final Map<?, ?> allow = (Map<?, ?>)policies.get(0);
        assertEquals("allow", allow.get("effect"));
        assertEquals(List.of("Pub"), allow.get("actions"));
        assertEquals(List.of("topic:payments"), allow.get("resources"));
        assertEquals(List.of("10.0.0.0/8"), ((Map<?, ?>)policies.get(1)).get("sources"));

        final Run updated = ops("user", "update", "--broker", broker.address(), "--name", "pay", "--kind", "super",
            "--user-secret-file", newSecret.toString());
        assertEquals("super", updated.cell("KIND", 0), updated::toString);
        ops("user", "delete", "--broker", broker.address(), "--name", "pay").expectSuccess();
        final RockletException gone = assertThrows(RockletException.class, () -> producer.send(message));
        assertEquals(ErrorCode.UNAUTHENTICATED, gone.errorCode(), gone.getMessage());
    }

    @Test
    void shouldListUsersWithoutSecretsWhenAskedOfTheRouterOrTheBroker()
    {
        final List<?> users = (List<?>)ops("user", "list", "--json").json();
        final Run table = ops("user", "list", "--broker", broker.address());

        assertEquals(3, users.size(), users::toString);
        assertTrue(users.contains(Map.of("name", "ops", "kind", "SUPER", "hasSecret", true)) ||
            users.stream().anyMatch(u -> ((Map<?, ?>)u).get("name").equals("ops") &&
                Boolean.TRUE.equals(((Map<?, ?>)u).get("hasSecret"))), users::toString);
        assertEquals(List.of("app", "broker-a", "ops"), table.column("USER"));
        assertEquals(List.of("yes", "yes", "yes"), table.column("SECRET"));
        for (final Run run : List.of(table, ops("user", "list", "--json"), ops("policy", "list")))
        {
            assertFalse(run.out.contains("-secret") || run.err.contains("-secret"), run::toString);
        }
    }

    @Test
    void shouldFailWithClearErrorWhenCallerLacksAdminOrRuleIsMalformed()
    {
        final Run denied = run("user", "list", "--access-key", "app", "--secret-file", appSecret.toString());
        assertEquals(AdminCli.FAILED, denied.status, denied::toString);
        assertTrue(denied.err.contains("PERMISSION_DENIED") && denied.err.contains("action=Admin"), denied::toString);

        final Run anonymous = run("user", "list");
        assertTrue(anonymous.err.contains("UNAUTHENTICATED"), anonymous::toString);

        final Run badAction = ops("policy", "put", "--user", "app", "--rule", "allow Publish topic:x");
        assertEquals(2, badAction.status, badAction::toString);
        assertTrue(badAction.err.contains("action=Publish"), badAction::toString);
        final Run badResource = ops("policy", "put", "--user", "app", "--rule", "allow Pub queue:x");
        assertTrue(badResource.err.contains("pattern=queue:x"), badResource::toString);
        final Run unknown = ops("policy", "put", "--user", "nobody", "--rule", "allow Pub topic:x");
        assertTrue(unknown.err.contains("no such user: user=nobody"), unknown::toString);
    }

    private RockletClient client(final Credentials credentials)
    {
        final RockletClient client = RockletClients.create(ClientConfig.builder().routers(router.address())
            .credentials(credentials).build(), transport);
        closing.add(client);
        return client;
    }

    private Run ops(final String... args)
    {
        final List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--access-key", "ops", "--secret-file", opsSecret.toString()));
        return run(all.toArray(String[]::new));
    }

    private Run run(final String... args)
    {
        final List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--routers", router.address()));
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

        String cell(final String header, final int row)
        {
            return column(header).get(row);
        }

        /**
         * @return the cells of a column (cells hold no spaces here), top to bottom.
         */
        List<String> column(final String header)
        {
            expectSuccess();
            final List<String> lines = out.lines().filter(line -> !line.isBlank()).toList();
            final int index = Arrays.asList(lines.get(0).trim().split("\\s{2,}")).indexOf(header);
            assertTrue(index >= 0, () -> "no column " + header + " in " + this);
            return lines.subList(1, lines.size()).stream().map(line -> line.trim().split("\\s{2,}")[index])
                .toList();
        }
    }
}
