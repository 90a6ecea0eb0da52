package io.rocklet.it;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.auth.AccessAdmin;
import io.rocklet.api.auth.Action;
import io.rocklet.api.auth.Credentials;
import io.rocklet.api.auth.Policy;
import io.rocklet.api.auth.ResourcePattern;
import io.rocklet.api.auth.User;
import io.rocklet.api.auth.UserInfo;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.auth.Acl;
import io.rocklet.auth.AclFile;
import io.rocklet.embedded.EmbeddedRocklet;
import io.rocklet.testkit.SpiCalls;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Users and policies managed through the Admin API under the local transport: changes take effect on the next call
 * without restart, persist to the rules file, need the Admin action, never show secrets, and fail clearly where
 * access control is off or the input is wrong. The gRPC twin is {@code GrpcAccessManagementTest}.
 */
@Timeout(60)
class AccessManagementTest
{
    static final Credentials APP = new Credentials("app", "app-secret");
    static final Credentials OPS = new Credentials("ops", "ops-secret");
    static final Credentials MEMBER = new Credentials("broker-auth", "member-secret");
    static final List<String> RULES = List.of(
        "user app kind=client secret=app-secret",
        "user ops kind=super secret=ops-secret",
        "user broker-auth kind=member secret=member-secret",
        "allow app Pub,Sub,Get topic:orders-*,group:billing");

    @TempDir
    Path directory;
    private Path rulesFile;
    private EmbeddedRocklet rocklet;

    @BeforeEach
    void start()
    {
        rulesFile = directory.resolve("rules.acl");
        AclFile.write(rulesFile, AclFile.parse(RULES, "test"));
        rocklet = start(Acl.fromFile(rulesFile));
        rocklet.newClient(OPS).admin().createTopic(TopicConfig.of("payments", 2));
    }

    @AfterEach
    void stop()
    {
        rocklet.close();
    }

    @Test
    void shouldAllowNextCallWhenPolicyIsGrantedAtRunTime()
    {
        final BrokerService asApp = rocklet.transport().broker(rocklet.broker().address(), APP);
        assertEquals(ErrorCode.PERMISSION_DENIED, SpiCalls.error(send(asApp, "payments")).errorCode());
        final AccessAdmin access = opsAccess();

        final List<Policy> policies = new ArrayList<>(access.policies().stream()
            .filter(p -> p.user().equals("app")).toList());
        policies.add(allow("app", Action.PUB, "topic:payments"));
        access.putPolicies("app", policies);

        assertNull(SpiCalls.error(send(asApp, "payments")));
        assertTrue(access.policies().contains(allow("app", Action.PUB, "topic:payments")));
    }

    @Test
    void shouldRefuseNextCallAsUnauthenticatedWhenUserIsDeleted()
    {
        final AccessAdmin access = opsAccess();
        access.createUser(User.withSecret("temp", User.Kind.CLIENT, "temp-secret"));
        access.putPolicies("temp", List.of(allow("temp", Action.PUB, "topic:payments")));
        final BrokerService asTemp = rocklet.transport().broker(rocklet.broker().address(),
            new Credentials("temp", "temp-secret"));
        assertNull(SpiCalls.error(send(asTemp, "payments")));

        access.deleteUser("temp");

        final RockletException e = SpiCalls.error(send(asTemp, "payments"));
        assertEquals(ErrorCode.UNAUTHENTICATED, e.errorCode(), e.getMessage());
        assertTrue(e.getMessage().contains("unknown access key"), e.getMessage());
        assertTrue(access.users().stream().noneMatch(u -> u.name().equals("temp")));
        assertTrue(access.policies().stream().noneMatch(p -> p.user().equals("temp")));
    }

    @Test
    void shouldRefuseManagementWithPermissionDeniedWhenClientLacksAdmin()
    {
        final AccessAdmin asApp = rocklet.newClient(APP).admin().brokerAccess(rocklet.broker().address());

        final RockletException e = assertThrows(RockletException.class, asApp::users);

        assertEquals(ErrorCode.PERMISSION_DENIED, e.errorCode(), e.getMessage());
        assertTrue(e.getMessage().contains("action=Admin, resource=cluster"), e.getMessage());
        final RockletException create = assertThrows(RockletException.class,
            () -> asApp.createUser(User.withSecret("evil", User.Kind.SUPER, "x")));
        assertEquals(ErrorCode.PERMISSION_DENIED, create.errorCode());
    }

    @Test
    void shouldManageWhenClientHasAdminOnCluster()
    {
        opsAccess().createUser(User.withSecret("iam", User.Kind.CLIENT, "iam-secret"));
        opsAccess().putPolicies("iam", List.of(allow("iam", Action.ADMIN, "cluster")));

        final AccessAdmin asIam = rocklet.newClient(new Credentials("iam", "iam-secret")).admin()
            .routerAccess(rocklet.router().address());

        assertTrue(asIam.users().stream().anyMatch(u -> u.name().equals("iam")));
    }

    @Test
    void shouldKeepChangesWhenRulesFileIsReadAgainAfterRestart() throws IOException
    {
        opsAccess().createUser(User.withSecret("kept", User.Kind.CLIENT, "kept-secret"));
        opsAccess().putPolicies("kept", List.of(allow("kept", Action.PUB, "topic:payments")));
        rocklet.close();

        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(rulesFile));
        rocklet = start(Acl.fromFile(rulesFile));
        final BrokerService asKept = rocklet.transport().broker(rocklet.broker().address(),
            new Credentials("kept", "kept-secret"));

        assertNull(SpiCalls.error(send(asKept, "payments")));
        assertEquals(List.of(allow("kept", Action.PUB, "topic:payments")), opsAccess().policies().stream()
            .filter(p -> p.user().equals("kept")).toList());
    }

    @Test
    void shouldNeverShowSecretsWhenUsersAreListedLoggedOrPrinted()
    {
        final PrintStream original = System.err;
        final ByteArrayOutputStream logged = new ByteArrayOutputStream();
        final List<UserInfo> users;
        final User user = User.withSecret("quiet", User.Kind.CLIENT, "very-secret-value");
        System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
        try
        {
            opsAccess().createUser(user);
            opsAccess().updateUser(User.withSecret("quiet", User.Kind.CLIENT, "other-secret-value"));
            users = opsAccess().users();
        }
        finally
        {
            System.setErr(original);
        }

        final String log = logged.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("rules changed: change=createUser, user=quiet"), log);
        assertTrue(log.contains("by=ops"), log);
        assertFalse(log.contains("secret-value"), log);
        assertFalse(user.toString().contains("very-secret-value"));
        assertTrue(users.contains(new UserInfo("quiet", User.Kind.CLIENT, null, true)), users.toString());
        assertFalse(users.toString().contains("secret-value"));
    }

    @Test
    void shouldNameTheFieldWhenChangeIsInvalid()
    {
        final AccessAdmin access = opsAccess();

        assertMessage(() -> access.deleteUser("nobody"), "no such user: user=nobody");
        assertMessage(() -> access.putPolicies("nobody", List.of()), "no such user: user=nobody");
        assertMessage(() -> access.createUser(User.withSecret("app", User.Kind.CLIENT, "x")), "user exists: user=app");
        assertMessage(() -> access.updateUser(User.withSecret("ghost", User.Kind.CLIENT, "x")),
            "no such user: user=ghost");
        assertMessage(() -> access.putPolicies("app", List.of(allow("ops", Action.PUB, "topic:x"))),
            "policy.user=ops");
        assertMessage(() -> access.createUser(User.withCertificate("cert-twin", User.Kind.CLIENT, "CN=a")),
            null);
        assertMessage(() -> access.createUser(User.withCertificate("cert-twin-2", User.Kind.CLIENT, "CN=a")),
            "CN=a");
        assertMessage(() -> access.updateUser(new User("cert-twin", User.Kind.CLIENT, "x", "CN=a")),
            "illegal secret: user=cert-twin");
    }

    @Test
    void shouldSayAccessControlIsOffWhenServedWithoutIt()
    {
        try (EmbeddedRocklet open = EmbeddedRocklet.builder().name("open").start())
        {
            final AccessAdmin broker = open.admin().brokerAccess(open.broker().address());
            final AccessAdmin router = open.admin().routerAccess(open.router().address());

            for (final Runnable call : List.<Runnable>of(broker::users, router::policies,
                () -> broker.createUser(User.withSecret("x", User.Kind.CLIENT, "y"))))
            {
                final RockletException e = assertThrows(RockletException.class, call::run);
                assertEquals(ErrorCode.INVALID_ARGUMENT, e.errorCode());
                assertTrue(e.getMessage().contains("access control is off"), e.getMessage());
            }
        }
    }

    private EmbeddedRocklet start(final Acl acl)
    {
        return EmbeddedRocklet.builder().name("manage").accessControl(acl, MEMBER)
            .client(c -> c.credentials(APP)).start();
    }

    private AccessAdmin opsAccess()
    {
        return rocklet.newClient(OPS).admin().brokerAccess(rocklet.broker().address());
    }

    private static java.util.concurrent.CompletableFuture<?> send(final BrokerService broker, final String topic)
    {
        return broker.send(new BrokerService.SendRequest("p", "c", Message.builder(topic).body("x").build(), 0, 1, 0));
    }

    static Policy allow(final String user, final Action action, final String resource)
    {
        return new Policy(user, Policy.Effect.ALLOW, Set.of(action), List.of(ResourcePattern.parse(resource)),
            List.of());
    }

    private static void assertMessage(final Runnable call, final String part)
    {
        if (part == null)
        {
            call.run();
            return;
        }
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
