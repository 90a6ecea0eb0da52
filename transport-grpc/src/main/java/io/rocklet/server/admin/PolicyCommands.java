package io.rocklet.server.admin;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.auth.Action;
import io.rocklet.api.auth.Policy;
import io.rocklet.api.auth.ResourcePattern;
import io.rocklet.api.auth.SourceRange;
import io.rocklet.auth.AclFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code admin policy list|put|delete}: the policies of one broker or router ({@link AccessTarget}), written as the
 * rules file writes them ({@code --rule "allow Pub,Sub topic:orders-*,group:billing from=10.0.0.0/8"}).
 */
@Command(name = "policy", description = "Policies of a broker or router (access control): list, put (replace a " +
    "user's policies), delete.")
final class PolicyCommands
{
    @ParentCommand
    AdminCli admin;

    /**
     * A policy as {@code --json} shows it: the rules file's words.
     *
     * @param user      the user.
     * @param effect    allow or deny.
     * @param actions   action labels.
     * @param resources resource patterns.
     * @param sources   source ranges (CIDR); empty: every source.
     */
    record PolicyView(String user, String effect, List<String> actions, List<String> resources, List<String> sources)
    {
        static PolicyView of(final Policy policy)
        {
            return new PolicyView(policy.user(), policy.effect().name().toLowerCase(Locale.ROOT),
                policy.actions().stream().sorted().map(Action::label).toList(),
                policy.resources().stream().map(ResourcePattern::toString).toList(),
                policy.sources().stream().map(SourceRange::toString).toList());
        }
    }

    @Command(name = "list", description = "Every policy, or one user's.")
    int list(@Mixin final AccessTarget target, @Option(names = "--user", paramLabel = "<user>",
        description = "Only this user's policies.") final String user)
    {
        final List<PolicyView> policies = admin.withAdmin(a -> target.of(a, admin.routers).policies()).stream()
            .filter(p -> user == null || p.user().equals(user)).map(PolicyView::of).toList();
        return admin.print(policies, all ->
        {
            final Table table = new Table("USER", "EFFECT", "ACTIONS", "RESOURCES", "FROM");
            for (final PolicyView policy : all)
            {
                table.row(policy.user(), policy.effect(), String.join(",", policy.actions()),
                    String.join(",", policy.resources()),
                    policy.sources().isEmpty() ? "*" : String.join(",", policy.sources()));
            }
            return table;
        });
    }

    @Command(name = "put", description = "Replaces every policy of a user with the given rules.")
    int put(@Mixin final AccessTarget target,
        @Option(names = "--user", paramLabel = "<user>", required = true, description = "The user.") final String user,
        @Option(names = "--rule", paramLabel = "<rule>", required = true,
            description = "One policy, repeatable: allow|deny <actions> <resources> [from=<ranges>], e.g. " +
                "\"allow Pub,Sub topic:orders-*,group:billing\".") final List<String> rules)
    {
        final List<Policy> policies = new ArrayList<>();
        for (final String rule : rules)
        {
            policies.add(policy(user, rule));
        }
        admin.withAdmin(a ->
        {
            target.of(a, admin.routers).putPolicies(user, policies);
            return null;
        });
        return admin.print(Map.of("user", user, "policies", policies.stream().map(PolicyView::of).toList()),
            m -> new Table("USER", "POLICIES", "RESULT").row(user, policies.size(), "put"));
    }

    @Command(name = "delete", description = "Removes every policy of a user (the user stays).")
    int delete(@Mixin final AccessTarget target, @Option(names = "--user", paramLabel = "<user>", required = true,
        description = "The user.") final String user)
    {
        admin.withAdmin(a ->
        {
            target.of(a, admin.routers).putPolicies(user, List.of());
            return null;
        });
        return admin.print(Map.of("user", user, "result", "deleted"), m -> new Table("USER", "RESULT")
            .row(user, "policies deleted"));
    }

    private static Policy policy(final String user, final String rule)
    {
        final String[] words = rule.trim().split("\\s+", 2);
        if (words.length < 2)
        {
            throw new InvalidArgumentException("illegal --rule=" + rule + ", expected allow|deny <actions> " +
                "<resources> [from=<ranges>]");
        }
        try
        {
            return AclFile.policy(words[0] + " " + user + " " + words[1]);
        }
        catch (final InvalidArgumentException e)
        {
            throw new InvalidArgumentException("illegal --rule=" + rule + ": " + e.getMessage());
        }
    }
}
