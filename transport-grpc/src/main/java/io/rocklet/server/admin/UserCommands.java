package io.rocklet.server.admin;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.auth.AccessAdmin;
import io.rocklet.api.auth.User;
import io.rocklet.api.auth.UserInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code admin user list|create|update|delete}: the users of one broker or router ({@link AccessTarget}). Secrets
 * are read from a file ({@code --user-secret-file}), never from the command line, and never printed.
 */
@Command(name = "user", description = "Users of a broker or router (access control): list, create, update, delete.")
final class UserCommands
{
    @ParentCommand
    AdminCli admin;

    /** A user's fields as the create and update commands take them. */
    static final class Fields
    {
        @Option(names = "--name", paramLabel = "<name>", required = true,
            description = "The user's name (its access key when it signs with a secret).")
        String name;

        @Option(names = "--kind", paramLabel = "<kind>",
            description = "client (what its policies allow), super (every client operation) or member (brokers, " +
                "controllers). Create: default client; update: kept.")
        String kind;

        @Option(names = "--user-secret-file", paramLabel = "<file>",
            description = "A file whose first line is the user's secret (signs its calls).")
        Path secretFile;

        @Option(names = "--subject", paramLabel = "<subject>",
            description = "The TLS client certificate subject identifying the user (RFC 2253, e.g. CN=app,O=Acme).")
        String subject;
    }

    @Command(name = "list", description = "Every user: name, kind, certificate subject, whether it has a secret.")
    int list(@Mixin final AccessTarget target)
    {
        final List<UserInfo> users = admin.withAdmin(a -> target.of(a, admin.routers).users());
        return admin.print(users, all ->
        {
            final Table table = new Table("USER", "KIND", "SUBJECT", "SECRET");
            for (final UserInfo user : all)
            {
                table.row(user.name(), label(user.kind()), user.certificateSubject(), user.hasSecret() ? "yes" : "no");
            }
            return table;
        });
    }

    @Command(name = "create", description = "Adds a user (with a secret, a certificate subject or both).")
    int create(@Mixin final AccessTarget target, @Mixin final Fields fields)
    {
        final User user = new User(fields.name, fields.kind == null ? User.Kind.CLIENT : kind(fields.kind),
            secret(fields.secretFile), fields.subject);
        admin.withAdmin(a ->
        {
            target.of(a, admin.routers).createUser(user);
            return null;
        });
        return done(user, "created");
    }

    @Command(name = "update", description = "Changes a user's kind, secret or subject; its policies stay. A user " +
        "that signs with a secret needs --user-secret-file again (secrets are never read back).")
    int update(@Mixin final AccessTarget target, @Mixin final Fields fields)
    {
        final User user = admin.withAdmin(a ->
        {
            final AccessAdmin access = target.of(a, admin.routers);
            final UserInfo current = access.users().stream().filter(u -> u.name().equals(fields.name)).findFirst()
                .orElseThrow(() -> new InvalidArgumentException("no such user: user=" + fields.name));
            final String secret = secret(fields.secretFile);
            if (secret == null && current.hasSecret())
            {
                throw new InvalidArgumentException("--user-secret-file is required: user=" + fields.name +
                    " signs with a secret, which is never read back");
            }
            final User updated = new User(fields.name, fields.kind == null ? current.kind() : kind(fields.kind),
                secret, fields.subject != null ? fields.subject : current.certificateSubject());
            access.updateUser(updated);
            return updated;
        });
        return done(user, "updated");
    }

    @Command(name = "delete", description = "Removes a user and its policies.")
    int delete(@Mixin final AccessTarget target, @Option(names = "--name", paramLabel = "<name>", required = true,
        description = "The user.") final String name)
    {
        admin.withAdmin(a ->
        {
            target.of(a, admin.routers).deleteUser(name);
            return null;
        });
        return admin.print(Map.of("user", name, "result", "deleted"), m -> new Table("USER", "RESULT")
            .row(name, "deleted"));
    }

    private int done(final User user, final String result)
    {
        final UserInfo info = UserInfo.of(user);
        return admin.print(Map.of("user", info, "result", result), m -> new Table("USER", "KIND", "SUBJECT", "SECRET",
            "RESULT").row(info.name(), label(info.kind()), info.certificateSubject(), info.hasSecret() ? "yes" : "no",
            result));
    }

    static String label(final User.Kind kind)
    {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static User.Kind kind(final String text)
    {
        try
        {
            return User.Kind.valueOf(text.trim().toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException e)
        {
            throw new InvalidArgumentException("illegal --kind=" + text + ", allowed=client,super,member");
        }
    }

    private static String secret(final Path file)
    {
        return file == null ? null : AdminCli.secretFrom(file, "--user-secret-file");
    }
}
