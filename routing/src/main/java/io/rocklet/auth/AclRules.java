package io.rocklet.auth;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.auth.Action;
import io.rocklet.api.auth.Policy;
import io.rocklet.api.auth.Resource;
import io.rocklet.api.auth.Signatures;
import io.rocklet.api.auth.User;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One immutable set of users and policies, with what checking calls against them needs ready: each user's signing
 * key ({@link Signatures.Keyed}, set up once per rules version, not per call) and the policies by user. A change
 * makes a new instance ({@link #withUser}, ...). Thread-safe (immutable).
 */
public final class AclRules
{
    /** No users, no policies: every call is refused. */
    public static final AclRules EMPTY = new AclRules(List.of(), List.of());

    private final Map<String, User> users = new LinkedHashMap<>();
    private final Map<String, User> bySubject = new HashMap<>();
    private final Map<String, Signatures.Keyed> keys = new HashMap<>();
    private final Map<String, List<Policy>> policies = new HashMap<>();
    private final List<Policy> allPolicies;

    /**
     * @throws InvalidArgumentException when a name or certificate subject is used twice, or a policy names an unknown
     *                                  user.
     */
    public AclRules(final List<User> users, final List<Policy> policies)
    {
        for (final User user : users)
        {
            if (this.users.putIfAbsent(user.name(), user) != null)
            {
                throw new InvalidArgumentException("user listed twice: user=" + user.name());
            }
            if (user.certificateSubject() != null && bySubject.putIfAbsent(user.certificateSubject(), user) != null)
            {
                throw new InvalidArgumentException("certificate subject listed twice: subject=" +
                    user.certificateSubject());
            }
            if (user.secret() != null)
            {
                keys.put(user.name(), new Signatures.Keyed(user.secret()));
            }
        }
        for (final Policy policy : policies)
        {
            if (!this.users.containsKey(policy.user()))
            {
                throw new InvalidArgumentException("policy for an unknown user: user=" + policy.user());
            }
            this.policies.computeIfAbsent(policy.user(), u -> new ArrayList<>()).add(policy);
        }
        this.allPolicies = List.copyOf(policies);
    }

    /**
     * @return the user of that name (access key), or null.
     */
    public User user(final String name)
    {
        return users.get(name);
    }

    /**
     * @return the user a TLS client certificate subject identifies, or null.
     */
    public User userBySubject(final String subject)
    {
        return bySubject.get(subject);
    }

    /**
     * @return the signing key of the user, or null when the user has no secret.
     */
    Signatures.Keyed key(final String name)
    {
        return keys.get(name);
    }

    public List<User> users()
    {
        return List.copyOf(users.values());
    }

    public List<Policy> policies()
    {
        return allPolicies;
    }

    /**
     * @return the effect of the user's policies on {@code action} over {@code resource} from {@code source}: DENY when
     *     a deny matches (deny wins), ALLOW when an allow matches, else null (nothing allows it).
     */
    public Policy.Effect decide(final String user, final Action action, final Resource resource, final String source)
    {
        Policy.Effect effect = null;
        for (final Policy policy : policies.getOrDefault(user, List.of()))
        {
            if (policy.matches(action, resource, source))
            {
                if (policy.effect() == Policy.Effect.DENY)
                {
                    return Policy.Effect.DENY;
                }
                effect = Policy.Effect.ALLOW;
            }
        }
        return effect;
    }

    /**
     * @return these rules with {@code user} added, or replacing the user of that name (its policies kept).
     */
    public AclRules withUser(final User user)
    {
        final List<User> next = new ArrayList<>(users.values());
        next.removeIf(u -> u.name().equals(user.name()));
        next.add(user);
        return new AclRules(next, allPolicies);
    }

    /**
     * @return these rules without the user and its policies.
     */
    public AclRules withoutUser(final String name)
    {
        final List<User> next = new ArrayList<>(users.values());
        next.removeIf(u -> u.name().equals(name));
        return new AclRules(next, allPolicies.stream().filter(p -> !p.user().equals(name)).toList());
    }

    /**
     * @return these rules with the user's policies replaced by {@code userPolicies}.
     */
    public AclRules withPolicies(final String name, final List<Policy> userPolicies)
    {
        final List<Policy> next = new ArrayList<>(allPolicies);
        next.removeIf(p -> p.user().equals(name));
        for (final Policy policy : userPolicies)
        {
            if (!policy.user().equals(name))
            {
                throw new InvalidArgumentException("policy of another user: user=" + name + ", policyUser=" +
                    policy.user());
            }
            next.add(policy);
        }
        return new AclRules(List.copyOf(users.values()), next);
    }

    @Override
    public String toString()
    {
        return "AclRules{users=" + users.keySet() + ", policies=" + allPolicies.size() + '}';
    }
}
