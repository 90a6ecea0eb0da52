package io.rocklet.auth;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.api.auth.Action;
import io.rocklet.api.auth.Policy;
import io.rocklet.api.auth.ResourcePattern;
import io.rocklet.api.auth.SourceRange;
import io.rocklet.api.auth.User;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The rules file: users and policies, one per line, {@code #} at the start of a line or after a space starts a comment.
 *
 * <pre>
 * user app-1 kind=client secret=s3cr3t                 # signs with access key app-1
 * user broker-a kind=member secret=xyz                  # a cluster member (may register brokers)
 * user ops kind=super secret=abc                        # every client operation
 * user billing kind=client subject=CN=billing,O=Acme    # mutual TLS: subject to the end of the line
 * allow app-1 Pub,Sub topic:orders-*,group:billing
 * deny  app-1 Pub topic:orders-audit from=10.0.0.0/8,127.0.0.1
 * </pre>
 *
 * Actions: {@code Pub Sub Create Update Delete Get List Admin} or {@code *}; resources: {@code *}, {@code cluster},
 * {@code topic:<name>}, {@code topic:<prefix>*}, {@code group:...}. Secrets are stored as given (HMAC verification
 * needs them), so the file must be readable by its owner only: on POSIX file systems a file readable by group or
 * others is refused, and {@link #write} creates it with mode 0600.
 */
public final class AclFile
{
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private AclFile()
    {
    }

    /**
     * @throws RockletException IO_ERROR when the file cannot be read; INVALID_ARGUMENT naming the file and line of a
     *                          malformed entry, or a file others may read.
     */
    public static AclRules read(final Path file)
    {
        checkOwnerOnly(file);
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        catch (final IOException e)
        {
            throw new RockletException(ErrorCode.IO_ERROR, "cannot read rules file: file=" + file + ", error=" + e, e);
        }
        return parse(lines, file.toString());
    }

    /**
     * @param source names the text in errors (a file name).
     */
    public static AclRules parse(final List<String> lines, final String source)
    {
        final List<User> users = new ArrayList<>();
        final List<Policy> policies = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++)
        {
            final String line = stripComment(lines.get(i)).trim();
            if (line.isEmpty())
            {
                continue;
            }
            try
            {
                final String[] words = line.split("\\s+");
                switch (words[0].toLowerCase(Locale.ROOT))
                {
                    case "user" -> users.add(user(line, words));
                    case "allow" -> policies.add(policy(Policy.Effect.ALLOW, words));
                    case "deny" -> policies.add(policy(Policy.Effect.DENY, words));
                    default -> throw new InvalidArgumentException("unknown entry '" + words[0] +
                        "', expected user, allow or deny");
                }
            }
            catch (final InvalidArgumentException e)
            {
                throw new InvalidArgumentException("malformed rules: file=" + source + ", line=" + (i + 1) +
                    ", error=" + e.getMessage());
            }
        }
        try
        {
            return new AclRules(users, policies);
        }
        catch (final InvalidArgumentException e)
        {
            throw new InvalidArgumentException("malformed rules: file=" + source + ", error=" + e.getMessage());
        }
    }

    /**
     * Parses one policy line of the file format, {@code allow|deny <user> <actions> <resources> [from=<ranges>]}
     * (the admin command line's {@code --rule}).
     *
     * @throws InvalidArgumentException naming the part that is wrong (effect, action, resource pattern, range).
     */
    public static Policy policy(final String line)
    {
        final String[] words = line == null ? new String[] {""} : line.trim().split("\\s+");
        return switch (words[0].toLowerCase(Locale.ROOT))
        {
            case "allow" -> policy(Policy.Effect.ALLOW, words);
            case "deny" -> policy(Policy.Effect.DENY, words);
            default -> throw new InvalidArgumentException("illegal policy: effect=" + words[0] +
                ", expected allow or deny, rule=" + line);
        };
    }

    /**
     * @return the rules in the file format (secrets included: keep the text owner-only).
     */
    public static List<String> format(final AclRules rules)
    {
        final List<String> lines = new ArrayList<>();
        lines.add("# Rocklet access rules (users and policies); format: see io.rocklet.auth.AclFile");
        for (final User user : rules.users())
        {
            final String kind = " kind=" + user.kind().name().toLowerCase(Locale.ROOT);
            lines.add("user " + user.name() + kind + (user.secret() == null ? "" : " secret=" + user.secret()) +
                (user.certificateSubject() == null ? "" : " subject=" + user.certificateSubject()));
        }
        for (final Policy policy : rules.policies())
        {
            final StringBuilder line = new StringBuilder(policy.effect().name().toLowerCase(Locale.ROOT))
                .append(' ').append(policy.user()).append(' ')
                .append(String.join(",", policy.actions().stream().sorted().map(Action::label).toList()))
                .append(' ')
                .append(String.join(",", policy.resources().stream().map(ResourcePattern::toString).toList()));
            if (!policy.sources().isEmpty())
            {
                line.append(" from=").append(String.join(",",
                    policy.sources().stream().map(SourceRange::toString).toList()));
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /**
     * Writes the rules to {@code file} atomically (a temporary file moved over it), readable by the owner only.
     *
     * @throws RockletException IO_ERROR when it cannot be written.
     */
    public static void write(final Path file, final AclRules rules)
    {
        final Path directory = file.toAbsolutePath().getParent();
        try
        {
            final Path temporary = Files.createTempFile(directory, file.getFileName().toString(), ".tmp");
            try
            {
                ownerOnly(temporary);
                Files.write(temporary, format(rules), StandardCharsets.UTF_8);
                try
                {
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
                catch (final AtomicMoveNotSupportedException e)
                {
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            finally
            {
                Files.deleteIfExists(temporary);
            }
        }
        catch (final IOException e)
        {
            throw new RockletException(ErrorCode.IO_ERROR, "cannot write rules file: file=" + file + ", error=" + e,
                e);
        }
    }

    /**
     * Makes {@code file} readable and writable by its owner only (POSIX file systems; elsewhere nothing).
     */
    public static void ownerOnly(final Path file) throws IOException
    {
        if (Files.getFileAttributeView(file, PosixFileAttributeView.class) != null)
        {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
    }

    private static void checkOwnerOnly(final Path file)
    {
        if (Files.getFileAttributeView(file, PosixFileAttributeView.class) == null)
        {
            return;
        }
        final Set<PosixFilePermission> permissions;
        try
        {
            permissions = Files.getPosixFilePermissions(file);
        }
        catch (final IOException e)
        {
            throw new RockletException(ErrorCode.IO_ERROR, "cannot read rules file: file=" + file + ", error=" + e, e);
        }
        final Set<PosixFilePermission> others = EnumSet.copyOf(permissions);
        others.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_EXECUTE));
        if (!others.isEmpty())
        {
            throw new InvalidArgumentException("rules file readable by others (it holds secrets): file=" + file +
                ", permissions=" + PosixFilePermissions.toString(permissions) + ", expected rw------- (chmod 600)");
        }
    }

    private static User user(final String line, final String[] words)
    {
        if (words.length < 3)
        {
            throw new InvalidArgumentException("expected: user <name> kind=<client|super|member> secret=<secret> " +
                "or subject=<certificate subject>");
        }
        User.Kind kind = User.Kind.CLIENT;
        String secret = null;
        String subject = null;
        for (int w = 2; w < words.length && subject == null; w++)
        {
            final String word = words[w];
            if (word.startsWith("kind="))
            {
                kind = kind(word.substring(5));
            }
            else if (word.startsWith("secret="))
            {
                secret = word.substring(7);
            }
            else if (word.startsWith("subject="))
            {
                subject = line.substring(line.indexOf("subject=") + 8).trim();
            }
            else
            {
                throw new InvalidArgumentException("unknown user field '" + word.split("=")[0] +
                    "', expected kind=, secret= or subject=");
            }
        }
        return new User(words[1], kind, secret, subject);
    }

    private static User.Kind kind(final String text)
    {
        try
        {
            return User.Kind.valueOf(text.toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException e)
        {
            throw new InvalidArgumentException("unknown user kind: kind=" + text + ", allowed=client,super,member");
        }
    }

    private static Policy policy(final Policy.Effect effect, final String[] words)
    {
        if (words.length < 4 || words.length > 5)
        {
            throw new InvalidArgumentException("expected: " + effect.name().toLowerCase(Locale.ROOT) +
                " <user> <actions> <resources> [from=<ranges>]");
        }
        final Set<Action> actions = EnumSet.noneOf(Action.class);
        for (final String action : words[2].split(","))
        {
            if (action.equals("*"))
            {
                actions.addAll(EnumSet.allOf(Action.class));
            }
            else
            {
                actions.add(Action.parse(action));
            }
        }
        final List<ResourcePattern> resources = new ArrayList<>();
        for (final String resource : words[3].split(","))
        {
            resources.add(ResourcePattern.parse(resource));
        }
        final List<SourceRange> sources = new ArrayList<>();
        if (words.length == 5)
        {
            if (!words[4].startsWith("from="))
            {
                throw new InvalidArgumentException("unknown policy field '" + words[4] + "', expected from=<ranges>");
            }
            for (final String range : words[4].substring(5).split(","))
            {
                sources.add(SourceRange.parse(range));
            }
        }
        return new Policy(words[1], effect, actions, resources, sources);
    }

    private static String stripComment(final String line)
    {
        for (int i = 0; i < line.length(); i++)
        {
            if (line.charAt(i) == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1))))
            {
                return line.substring(0, i); // a '#' inside a word (a secret) is no comment
            }
        }
        return line;
    }
}
