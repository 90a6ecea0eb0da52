package io.rocklet.api.auth;

import io.rocklet.api.InvalidArgumentException;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One rule of a user: allow or deny {@code actions} on the resources {@code resources} cover, optionally only for
 * calls from {@code sources}. A deny that matches a call wins over every allow.
 *
 * @param user      the user (access key or certificate user name) the rule is for.
 * @param effect    allow or deny.
 * @param actions   the actions covered (not empty).
 * @param resources the resources covered (not empty).
 * @param sources   source address ranges the rule is limited to; empty: every source.
 */
public record Policy(String user, Effect effect, Set<Action> actions, List<ResourcePattern> resources,
    List<SourceRange> sources)
{
    public enum Effect
    {
        ALLOW,
        DENY
    }

    public Policy
    {
        if (user == null || user.isBlank() || effect == null)
        {
            throw new InvalidArgumentException("illegal policy: user=" + user + ", effect=" + effect +
                ", a user and an effect are required");
        }
        if (actions == null || actions.isEmpty() || resources == null || resources.isEmpty())
        {
            throw new InvalidArgumentException("illegal policy: user=" + user + ", actions=" + actions +
                ", resources=" + resources + ", at least one action and one resource are required");
        }
        actions = Set.copyOf(EnumSet.copyOf(actions));
        resources = List.copyOf(resources);
        sources = sources == null ? List.of() : List.copyOf(sources);
    }

    /**
     * @return true when this rule covers {@code action} on {@code resource} for a call from {@code source}.
     */
    public boolean matches(final Action action, final Resource resource, final String source)
    {
        if (!actions.contains(action))
        {
            return false;
        }
        if (!sources.isEmpty() && sources.stream().noneMatch(range -> range.contains(source)))
        {
            return false;
        }
        return resources.stream().anyMatch(pattern -> pattern.matches(resource));
    }
}
