package io.rocklet.auth;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Message;
import io.rocklet.api.RockletException;
import io.rocklet.api.auth.Caller;
import io.rocklet.api.auth.Credentials;
import io.rocklet.api.auth.SignedCall;
import io.rocklet.api.auth.Signer;
import io.rocklet.api.auth.User;
import io.rocklet.api.spi.BrokerService.SendRequest;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.api.spi.RouterService.BrokerRegistration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

class AclTest
{
    private static final long NOW_MS = 1_800_000_000_000L;
    private static final List<String> RULES = List.of(
        "# test rules",
        "user app kind=client secret=app-secret",
        "user ops kind=super secret=ops#secret   # a '#' inside a word is no comment",
        "user broker-a kind=member secret=member-secret",
        "user billing kind=client subject=CN=billing, O=Acme",
        "allow app Pub,Sub,Get topic:orders-*,group:billing",
        "deny app Pub topic:orders-audit",
        "allow billing Sub topic:invoices from=10.0.0.0/8");

    private final AtomicLong clock = new AtomicLong(NOW_MS);
    private final Acl acl = Acl.of(AclFile.parse(RULES, "test"), clock::get, Duration.ofMinutes(5));

    @Test
    void shouldAuthenticateWhenSignatureIsValid()
    {
        final Caller caller = authenticate(signer("app", "app-secret").sign("send"), "send");

        assertEquals("app", caller.user());
        assertEquals(User.Kind.CLIENT, caller.kind());
    }

    @Test
    void shouldRefuseWhenCredentialsAreMissingWrongExpiredOrUnknown()
    {
        assertUnauthenticated(() -> authenticate(null, "send"), "no credentials");
        assertUnauthenticated(() -> authenticate(signer("app", "wrong").sign("send"), "send"), "bad signature");
        assertUnauthenticated(() -> authenticate(signer("nobody", "x").sign("send"), "send"), "unknown access key");
        final Signer old = new Signer(new Credentials("app", "app-secret"), () -> NOW_MS - 301_000);
        assertUnauthenticated(() -> authenticate(old.sign("send"), "send"), "expired signature");
        final Signer ahead = new Signer(new Credentials("app", "app-secret"), () -> NOW_MS + 301_000);
        assertUnauthenticated(() -> authenticate(ahead.sign("send"), "send"), "expired signature");
        assertUnauthenticated(() -> authenticate(signer("app", "app-secret").sign("send"), "deleteTopic"),
            "signed for another operation");
    }

    @Test
    void shouldRefuseSignatureWhenReplayed()
    {
        final Signer signer = signer("app", "app-secret");
        final SignedCall first = signer.sign("send");
        final SignedCall second = signer.sign("send");
        authenticate(second, "send");
        authenticate(first, "send"); // out of order, within the window: fine

        assertUnauthenticated(() -> authenticate(first, "send"), "replayed nonce");
        assertUnauthenticated(() -> authenticate(second, "send"), "replayed nonce");
        final SignedCall forged = new SignedCall("app", "send", NOW_MS, "s.0", "x");
        assertUnauthenticated(() -> authenticate(forged, "send"), "bad signature");
    }

    @Test
    void shouldRefuseCallsFarBehindTheWindowWhenTheSessionMovedOn()
    {
        final Signer signer = signer("app", "app-secret");
        final SignedCall early = signer.sign("send");
        for (int i = 0; i < ReplayWindows.WINDOW; i++)
        {
            signer.sign("send");
        }
        authenticate(signer.sign("send"), "send");

        assertUnauthenticated(() -> authenticate(early, "send"), "replayed nonce");
    }

    @Test
    void shouldIdentifyCertificateUserWhenSubjectIsKnown()
    {
        final Caller caller = acl.authenticate(null, "pull", "10.1.1.1", "CN=billing, O=Acme");

        assertEquals("billing", caller.user());
        assertUnauthenticated(() -> acl.authenticate(null, "pull", "10.1.1.1", "CN=other"),
            "unknown certificate subject");
    }

    @Test
    void shouldAllowByPrefixAndLetDenyWinWhenPoliciesOverlap()
    {
        final Caller app = new Caller("app", User.Kind.CLIENT, "127.0.0.1");

        acl.authorize(app, "send", new Object[] {send("orders-1")});
        acl.authorize(app, "queryRoute", new Object[] {"orders-1"});
        assertDenied(() -> acl.authorize(app, "send", new Object[] {send("orders-audit")}), "action=Pub",
            "resource=topic:orders-audit", "denied by policy");
        assertDenied(() -> acl.authorize(app, "send", new Object[] {send("payments")}), "resource=topic:payments",
            "no policy allows it");
        assertDenied(() -> acl.authorize(app, "deleteTopic", new Object[] {"orders-1"}), "action=Delete");
    }

    @Test
    void shouldApplySourceRangesWhenPolicyHasThem()
    {
        acl.authorize(new Caller("billing", User.Kind.CLIENT, "10.2.3.4"), "queryRoute", new Object[] {"invoices"});

        assertDenied(() -> acl.authorize(new Caller("billing", User.Kind.CLIENT, "192.168.1.1"), "queryRoute",
            new Object[] {"invoices"}), "resource=topic:invoices");
    }

    @Test
    void shouldLetOnlyMembersRegisterBrokersWhenKindsDiffer()
    {
        final Object[] registration = {new BrokerRegistration(new BrokerIdentity("c", "broker-a", 0, "x:1"),
            List.of(), 1)};

        acl.authorize(new Caller("broker-a", User.Kind.MEMBER, "127.0.0.1"), "registerBroker", registration);
        assertDenied(() -> acl.authorize(new Caller("app", User.Kind.CLIENT, "127.0.0.1"), "registerBroker",
            registration), "cluster members only");
        assertDenied(() -> acl.authorize(new Caller("ops", User.Kind.SUPER, "127.0.0.1"), "registerBroker",
            registration), "cluster members only");
        assertDenied(() -> acl.authorize(new Caller("ops", User.Kind.SUPER, "127.0.0.1"), "brokerDisconnected",
            new Object[] {null}), "never callable by a peer");
        assertDenied(() -> acl.authorize(new Caller("ops", User.Kind.SUPER, "127.0.0.1"), "noSuchOperation",
            new Object[0]), "operation not in the access table");
        acl.authorize(new Caller("ops", User.Kind.SUPER, "127.0.0.1"), "deleteTopic", new Object[] {"x"});
    }

    @Test
    void shouldReloadChangedFileWhenRefreshIsDue(@TempDir final Path directory) throws IOException
    {
        final Path file = directory.resolve("rules.acl");
        AclFile.write(file, AclFile.parse(RULES, "test"));
        final Acl watched = Acl.fromFile(file, clock::get, Duration.ofMinutes(5));
        final Caller app = new Caller("app", User.Kind.CLIENT, "127.0.0.1");
        assertDenied(() -> watched.authorize(app, "send", new Object[] {send("payments")}), "topic:payments");

        final List<String> changed = new java.util.ArrayList<>(RULES);
        changed.add("allow app Pub topic:payments");
        Files.write(file, changed, StandardCharsets.UTF_8);
        assertEquals(1, watched.refresh(), "first look at the file");
        watched.authorize(app, "send", new Object[] {send("payments")});

        Files.write(file, RULES, StandardCharsets.UTF_8);
        assertEquals(0, watched.refresh(), "not due yet");
        clock.addAndGet(Acl.FILE_CHECK_INTERVAL.toMillis());
        assertEquals(1, watched.refresh());
        assertDenied(() -> watched.authorize(app, "send", new Object[] {send("payments")}), "topic:payments");
    }

    @Test
    void shouldKeepRulesWhenChangedFileIsMalformed(@TempDir final Path directory) throws IOException
    {
        final Path file = directory.resolve("rules.acl");
        AclFile.write(file, AclFile.parse(RULES, "test"));
        final Acl watched = Acl.fromFile(file, clock::get, Duration.ofMinutes(5));

        Files.write(file, List.of("user app kind=client secret=x", "allow app Fly topic:x"), StandardCharsets.UTF_8);

        assertEquals(0, watched.reloadIfChanged());
        assertEquals(4, watched.rules().users().size());
    }

    @Test
    void shouldPersistAdminChangesOwnerOnlyWhenUsersAndPoliciesChange(@TempDir final Path directory)
        throws IOException
    {
        final Path file = directory.resolve("rules.acl");
        AclFile.write(file, AclFile.parse(RULES, "test"));
        final Acl managed = Acl.fromFile(file, clock::get, Duration.ofMinutes(5));
        final Caller ops = new Caller("ops", User.Kind.SUPER, "127.0.0.1");

        managed.putUser(ops, User.withSecret("new-app", User.Kind.CLIENT, "n3w"));
        managed.putPolicies(ops, "new-app", AclFile.parse(List.of("user new-app secret=n3w",
            "allow new-app Sub group:g1"), "x").policies());
        managed.deleteUser(ops, "app");

        final AclRules reread = AclFile.read(file);
        assertNotNull(reread.user("new-app"));
        assertNull(reread.user("app"));
        assertEquals(1, reread.policies().stream().filter(p -> p.user().equals("new-app")).count());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(0, managed.reloadIfChanged(), "its own write is no change to pick up");
        assertThrows(InvalidArgumentException.class, () -> managed.deleteUser(ops, "app"));
    }

    @Test
    void shouldRefuseFileWhenOthersMayReadIt(@TempDir final Path directory) throws IOException
    {
        final Path file = directory.resolve("rules.acl");
        Files.write(file, RULES, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> AclFile.read(file));

        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    }

    @Test
    void shouldNameFileAndLineWhenRulesAreMalformed()
    {
        final InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
            () -> AclFile.parse(List.of("user a secret=x", "allow a Fly topic:x"), "rules.acl"));

        assertTrue(e.getMessage().contains("file=rules.acl, line=2"), e.getMessage());
        assertTrue(e.getMessage().contains("action=Fly"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> AclFile.parse(List.of("allow ghost Pub *"), "f"));
    }

    @Test
    void shouldReadBackWhatItWritesWhenFormatted()
    {
        final AclRules rules = AclFile.parse(RULES, "test");

        final AclRules again = AclFile.parse(AclFile.format(rules), "formatted");

        assertEquals(rules.users(), again.users());
        assertEquals(rules.policies(), again.policies());
    }

    private Signer signer(final String accessKey, final String secret)
    {
        return new Signer(new Credentials(accessKey, secret), clock::get);
    }

    private Caller authenticate(final SignedCall call, final String operation)
    {
        return acl.authenticate(call, operation, "127.0.0.1", null);
    }

    private static SendRequest send(final String topic)
    {
        return new SendRequest("p", "c", Message.builder(topic).body("x").build(), 0, NOW_MS, 0);
    }

    private static void assertUnauthenticated(final Runnable call, final String reason)
    {
        final RockletException e = assertThrows(RockletException.class, call::run);
        assertEquals(ErrorCode.UNAUTHENTICATED, e.errorCode(), e.getMessage());
        assertTrue(e.getMessage().contains("reason=" + reason), e.getMessage());
        assertFalse(e.retriable());
    }

    private static void assertDenied(final Runnable call, final String... parts)
    {
        final RockletException e = assertThrows(RockletException.class, call::run);
        assertEquals(ErrorCode.PERMISSION_DENIED, e.errorCode(), e.getMessage());
        for (final String part : parts)
        {
            assertTrue(e.getMessage().contains(part), e.getMessage());
        }
    }
}
