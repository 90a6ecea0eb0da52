package io.rocklet.auth;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.api.auth.AccessControl;
import io.rocklet.api.auth.Action;
import io.rocklet.api.auth.Caller;
import io.rocklet.api.auth.Operations;
import io.rocklet.api.auth.Operations.Operation;
import io.rocklet.api.auth.Policy;
import io.rocklet.api.auth.Resource;
import io.rocklet.api.auth.Signatures;
import io.rocklet.api.auth.SignedCall;
import io.rocklet.api.auth.User;
import io.rocklet.api.auth.UserInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * Access control by users and policies ({@link AclRules}): authenticates signed calls (HMAC-SHA256, timestamp within
 * {@link #DEFAULT_MAX_CLOCK_SKEW} of this clock, nonce never seen, see {@link ReplayWindows}) and TLS client
 * certificate subjects, and authorizes calls by {@link Operations} (deny wins; super users pass every policy check;
 * only cluster members pass member-only operations). Every refused call and every change of the rules is written to
 * the audit logger {@value #AUDIT_LOGGER}; secrets never are.
 *
 * <p>Rules come from a file ({@link #fromFile}; changes are picked up by {@link #refresh()}, which the served broker's
 * or router's agent calls: it looks at the file's modification time at most every {@link #FILE_CHECK_INTERVAL}) or
 * from code ({@link #of}); {@link #putUser} and the other changes persist to the file when there is one. Thread-safe:
 * the rules are one immutable snapshot swapped atomically; changes are serialised on this instance.
 */
public final class Acl implements AccessControl
{
    /** The audit logger: one line per refused call and per change of users or policies. */
    public static final String AUDIT_LOGGER = "rocklet.audit";
    /** How far a signed call's timestamp may be from this clock. */
    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** How often {@link #refresh()} looks at the rules file. */
    public static final Duration FILE_CHECK_INTERVAL = Duration.ofSeconds(1);
    /** Most signing sessions whose nonces are remembered at once. */
    public static final int MAX_SESSIONS = 100_000;

    private static final Logger AUDIT = LoggerFactory.getLogger(AUDIT_LOGGER);
    private static final Logger LOG = LoggerFactory.getLogger(Acl.class);

    private final Path file;
    private final LongSupplier clockMs;
    private final long maxSkewMs;
    private final ReplayWindows replays;
    private volatile AclRules rules;
    private long nextCheckMs;
    private String fileStamp;

    private Acl(final Path file, final AclRules rules, final LongSupplier clockMs, final Duration maxClockSkew)
    {
        if (maxClockSkew == null || maxClockSkew.isNegative() || maxClockSkew.isZero())
        {
            throw new InvalidArgumentException("illegal maxClockSkew=" + maxClockSkew + ", allowed: > 0");
        }
        this.file = file;
        this.rules = rules;
        this.clockMs = clockMs;
        this.maxSkewMs = maxClockSkew.toMillis();
        this.replays = new ReplayWindows(2 * maxSkewMs, MAX_SESSIONS);
        this.fileStamp = file == null ? null : stamp(file);
    }

    /**
     * @return access control by the rules in {@code file} (see {@link AclFile}), watched for changes.
     * @throws RockletException when the file cannot be read or is malformed.
     */
    public static Acl fromFile(final Path file)
    {
        return fromFile(file, System::currentTimeMillis, DEFAULT_MAX_CLOCK_SKEW);
    }

    /**
     * @param clockMs      wall clock, epoch ms (signed timestamps are checked against it).
     * @param maxClockSkew how far a signed call's timestamp may be from {@code clockMs}.
     */
    public static Acl fromFile(final Path file, final LongSupplier clockMs, final Duration maxClockSkew)
    {
        final AclRules rules = AclFile.read(file);
        LOG.info("access rules loaded: file={}, users={}, policies={}", file, rules.users().size(),
            rules.policies().size());
        return new Acl(file, rules, clockMs, maxClockSkew);
    }

    /**
     * @return access control by {@code rules}, kept in memory only.
     */
    public static Acl of(final AclRules rules)
    {
        return of(rules, System::currentTimeMillis, DEFAULT_MAX_CLOCK_SKEW);
    }

    public static Acl of(final AclRules rules, final LongSupplier clockMs, final Duration maxClockSkew)
    {
        return new Acl(null, rules, clockMs, maxClockSkew);
    }

    @Override
    public boolean enabled()
    {
        return true;
    }

    /**
     * @return the rules in force.
     */
    public AclRules rules()
    {
        return rules;
    }

    @Override
    public Caller authenticate(final SignedCall call, final String operation, final String source,
        final String certificateSubject)
    {
        final AclRules current = rules;
        if (call == null)
        {
            final User user = certificateSubject == null ? null : current.userBySubject(certificateSubject);
            if (user == null)
            {
                throw unauthenticated(certificateSubject == null ? "no credentials" :
                    "unknown certificate subject", operation, source, "subject=" + certificateSubject);
            }
            return new Caller(user.name(), user.kind(), source);
        }
        if (!call.operation().equals(operation))
        {
            throw unauthenticated("signed for another operation", operation, source, "accessKey=" + call.accessKey() +
                ", signedOperation=" + call.operation());
        }
        final User user = current.user(call.accessKey());
        final Signatures.Keyed key = user == null ? null : current.key(user.name());
        if (key == null)
        {
            throw unauthenticated("unknown access key", operation, source, "accessKey=" + call.accessKey());
        }
        final long nowMs = clockMs.getAsLong();
        if (Math.abs(nowMs - call.timestampMs()) > maxSkewMs)
        {
            throw unauthenticated("expired signature", operation, source, "accessKey=" + call.accessKey() +
                ", timestampMs=" + call.timestampMs() + ", serverTimeMs=" + nowMs + ", maxClockSkewMs=" + maxSkewMs);
        }
        if (!key.verifies(call))
        {
            throw unauthenticated("bad signature", operation, source, "accessKey=" + call.accessKey());
        }
        final String replayed = replays.use(user.name(), call.nonce(), nowMs);
        if (replayed != null)
        {
            throw unauthenticated(replayed, operation, source, "accessKey=" + call.accessKey() + ", nonce=" +
                call.nonce());
        }
        return new Caller(user.name(), user.kind(), source);
    }

    @Override
    public void authorize(final Caller caller, final String operationName, final Object[] arguments)
    {
        final Operation operation = Operations.find(operationName);
        if (operation == null)
        {
            throw denied(caller, operationName, "operation not in the access table", null, null);
        }
        switch (operation.scope())
        {
            case OPEN -> { }
            case INTERNAL -> throw denied(caller, operationName, "never callable by a peer", Action.ADMIN,
                Resource.CLUSTER);
            case MEMBER ->
            {
                if (caller.kind() != User.Kind.MEMBER)
                {
                    throw denied(caller, operationName, "cluster members only (userKind=" + caller.kind() + ")",
                        Action.ADMIN, Resource.CLUSTER);
                }
            }
            case POLICY, MEMBER_OR_POLICY ->
            {
                final boolean member = operation.scope() == Operations.Scope.MEMBER_OR_POLICY &&
                    caller.kind() == User.Kind.MEMBER;
                if (caller.kind() != User.Kind.SUPER && !member)
                {
                    for (final Resource resource : operation.resourcesOf(arguments))
                    {
                        checkPolicies(caller, operation, resource);
                    }
                }
            }
            default -> throw new IllegalStateException("unknown scope: " + operation.scope());
        }
    }

    /**
     * Reloads the rules file when it changed (its modification time or size), at most every
     * {@link #FILE_CHECK_INTERVAL}. A malformed file is logged and the rules in force are kept. Called by the agent of
     * the served broker or router.
     *
     * @return 1 when new rules were loaded, else 0.
     */
    @Override
    public synchronized int refresh()
    {
        final long nowMs = clockMs.getAsLong();
        if (file == null || nowMs < nextCheckMs)
        {
            return 0;
        }
        nextCheckMs = nowMs + FILE_CHECK_INTERVAL.toMillis();
        return reloadIfChanged();
    }

    /**
     * Reloads the rules file now when it changed (tests, and callers that just edited it).
     *
     * @return 1 when new rules were loaded, else 0.
     */
    public synchronized int reloadIfChanged()
    {
        final String stamp = file == null ? null : stamp(file);
        if (stamp == null || stamp.equals(fileStamp))
        {
            return 0;
        }
        fileStamp = stamp;
        try
        {
            rules = AclFile.read(file);
            AUDIT.info("rules reloaded: file={}, users={}, policies={}", file, rules.users().size(),
                rules.policies().size());
            return 1;
        }
        catch (final RockletException e)
        {
            LOG.error("rules file not loaded, the previous rules stay in force: file={}, error={}", file,
                e.getMessage());
            return 0;
        }
    }

    /**
     * Adds a user, or replaces the user of that name (its policies kept); persisted to the rules file if any.
     *
     * @param by who makes the change (for the audit log).
     */
    public void putUser(final Caller by, final User user)
    {
        change(by, "putUser", "user=" + user.name() + ", kind=" + user.kind(), r -> r.withUser(user));
    }

    @Override
    public List<UserInfo> users()
    {
        return rules.users().stream().map(UserInfo::of).sorted(Comparator.comparing(UserInfo::name)).toList();
    }

    @Override
    public List<Policy> policies()
    {
        return rules.policies();
    }

    @Override
    public void createUser(final Caller by, final User user)
    {
        checkUser(user);
        change(by, "createUser", "user=" + user.name() + ", kind=" + user.kind(), r ->
        {
            if (r.user(user.name()) != null)
            {
                throw new InvalidArgumentException("user exists: user=" + user.name() + ", use updateUser");
            }
            return r.withUser(user);
        });
    }

    /**
     * Replaces a user (its policies kept). A user identified by its certificate subject only does not gain a secret
     * this way: that would let a signing key stand in for the certificate.
     */
    @Override
    public void updateUser(final Caller by, final User user)
    {
        checkUser(user);
        change(by, "updateUser", "user=" + user.name() + ", kind=" + user.kind(), r ->
        {
            existing(r, user.name());
            if (r.user(user.name()).secret() == null && user.secret() != null)
            {
                throw new InvalidArgumentException("illegal secret: user=" + user.name() + " is identified by its " +
                    "certificate subject only, a secret is not added by an update (delete and create the user to " +
                    "change how it authenticates)");
            }
            return r.withUser(user);
        });
    }

    /**
     * Removes a user and its policies.
     */
    @Override
    public void deleteUser(final Caller by, final String name)
    {
        change(by, "deleteUser", "user=" + name, r ->
        {
            existing(r, name);
            return r.withoutUser(name);
        });
    }

    /**
     * Replaces the policies of a user (an empty list removes them all).
     */
    @Override
    public void putPolicies(final Caller by, final String user, final List<Policy> policies)
    {
        if (policies == null)
        {
            throw new InvalidArgumentException("illegal policies: user=" + user + ", policies=null");
        }
        for (final Policy policy : policies)
        {
            if (policy == null || !policy.user().equals(user))
            {
                throw new InvalidArgumentException("policy for another user: user=" + user + ", policy.user=" +
                    (policy == null ? null : policy.user()));
            }
        }
        change(by, "putPolicies", "user=" + user + ", policies=" + policies.size(), r ->
        {
            existing(r, user);
            return r.withPolicies(user, policies);
        });
    }

    @Override
    public String toString()
    {
        return "Acl{file=" + file + ", rules=" + rules + '}';
    }

    private synchronized void change(final Caller by, final String change, final String what,
        final UnaryOperator<AclRules> apply)
    {
        final AclRules next = apply.apply(rules);
        if (file != null)
        {
            AclFile.write(file, next);
            fileStamp = stamp(file);
        }
        rules = next;
        AUDIT.info("rules changed: change={}, {}, by={}, source={}", change, what, by.user(), by.source());
    }

    private static void existing(final AclRules rules, final String name)
    {
        if (name == null || rules.user(name) == null)
        {
            throw new InvalidArgumentException("no such user: user=" + name);
        }
    }

    private static void checkUser(final User user)
    {
        if (user == null)
        {
            throw new InvalidArgumentException("illegal user: user=null");
        }
    }

    private void checkPolicies(final Caller caller, final Operation operation, final Resource resource)
    {
        final AclRules current = rules;
        boolean denied = false;
        for (final Action action : operation.actions())
        {
            final Policy.Effect effect = current.decide(caller.user(), action, resource, caller.source());
            if (effect == Policy.Effect.ALLOW)
            {
                return;
            }
            denied |= effect == Policy.Effect.DENY;
        }
        throw denied(caller, operation.name(), denied ? "denied by policy" : "no policy allows it",
            operation.actions().get(0), resource);
    }

    private static RockletException denied(final Caller caller, final String operation, final String why,
        final Action action, final Resource resource)
    {
        AUDIT.warn("call denied: user={}, kind={}, source={}, operation={}, action={}, resource={}, reason={}",
            caller.user(), caller.kind(), caller.source(), operation, action, resource, why);
        return new RockletException(ErrorCode.PERMISSION_DENIED, "permission denied: action=" + action +
            ", resource=" + resource + ", user=" + caller.user() + ", operation=" + operation + ", reason=" + why);
    }

    private static RockletException unauthenticated(final String why, final String operation, final String source,
        final String detail)
    {
        AUDIT.warn("call unauthenticated: reason={}, operation={}, source={}, {}", why, operation, source, detail);
        return new RockletException(ErrorCode.UNAUTHENTICATED, "unauthenticated: reason=" + why + ", operation=" +
            operation + ", " + detail);
    }

    private static String stamp(final Path file)
    {
        try
        {
            return Files.getLastModifiedTime(file).toMillis() + "/" + Files.size(file) + "/" +
                Files.getLastModifiedTime(file).toInstant().getNano();
        }
        catch (final IOException e)
        {
            return null;
        }
    }
}
