package io.rocklet.server;

import io.rocklet.api.InvalidArgumentException;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static io.rocklet.server.ServerSettings.Role.BROKER;
import static io.rocklet.server.ServerSettings.Role.CONTROLLER;
import static io.rocklet.server.ServerSettings.Role.ROUTER;

/**
 * The standalone server's command line, parsed by picocli: the role ({@code router}, {@code broker} or
 * {@code controller}) and the options of {@link ServerOptionTable}. Every option has three sources, in this order
 * of precedence: the command line; the environment variable {@code ROCKLET_<OPTION>} (upper case, dashes as
 * underscores: {@code ROCKLET_PORT}, {@code ROCKLET_TLS_CERT}, {@code ROCKLET_ROLE}); the properties file of
 * {@code --config FILE} (or {@code ROCKLET_CONFIG}), whose keys are the option names without dashes. picocli reads
 * the command line and takes the other two as its default values (a default-value provider); the values, as text,
 * go to {@link ServerOptions}, which checks them. An option of another role is an error on the command line and in
 * the file, and ignored in the environment (a container may set variables for several roles).
 */
final class ServerCommandLine
{
    static final String ENV_PREFIX = "ROCKLET_";

    private ServerCommandLine()
    {
    }

    /**
     * @param environment the environment variables (the process's, or a test's).
     * @return option name to value, {@code role} included, for the options of the chosen role that have a value.
     * @throws InvalidArgumentException naming the option or value that is wrong.
     */
    static Map<String, String> read(final String[] args, final Map<String, String> environment)
    {
        final ParseResult firstPass = parse(args, arg -> null); // only to find --config
        final String config = firstPass.hasMatchedOption("--config") ? firstPass.matchedOptionValue("--config", "") :
            environment.get(envName("config"));
        final Map<String, String> file = config == null || config.isBlank() ? Map.of() : readFile(Path.of(config));
        final ParseResult result = parse(args, arg -> defaultValue(arg, environment, file));
        final String roleName = (String)result.commandSpec().positionalParameters().get(0).getValue();
        if (roleName == null)
        {
            throw new InvalidArgumentException("say which server to run: 'router', 'broker' or 'controller' (or " +
                "role= in --config, or " + envName("role") + ")");
        }
        final ServerSettings.Role role = role(roleName);
        for (final OptionSpec option : result.matchedOptions())
        {
            checkRole(name(option), role);
        }
        for (final String key : file.keySet())
        {
            if (!key.equals("role"))
            {
                checkRole(key, role);
            }
        }
        final Map<String, String> values = new LinkedHashMap<>();
        values.put("role", roleName);
        for (final OptionSpec option : result.commandSpec().options())
        {
            final String name = name(option);
            final Object value = option.getValue();
            final String text = value instanceof List<?> list ? (list.isEmpty() ? null : String.join(",",
                list.stream().map(Object::toString).toList())) : value == null ? null : value.toString();
            if (ServerOptionTable.roles(name).contains(role) && text != null && !Boolean.FALSE.equals(value))
            {
                values.put(name, text);
            }
        }
        return values;
    }

    /**
     * @return the generated help: usage, every option with its roles and default, the environment and the file.
     */
    static String usage()
    {
        return new CommandLine(spec()).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    static String envName(final String option)
    {
        return ENV_PREFIX + option.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static ParseResult parse(final String[] args, final CommandLine.IDefaultValueProvider defaults)
    {
        final CommandLine commandLine = new CommandLine(spec()).setDefaultValueProvider(defaults::defaultValue)
            .setCaseInsensitiveEnumValuesAllowed(true).setOverwrittenOptionsAllowed(true)
            .setExpandAtFiles(false); // a value starting with @ is a value, not a file of arguments
        try
        {
            return commandLine.parseArgs(args);
        }
        catch (final CommandLine.UnmatchedArgumentException e)
        {
            final List<String> unmatched = e.getUnmatched();
            final String first = unmatched.isEmpty() ? "?" : unmatched.get(0);
            final String role = args.length > 0 && !args[0].startsWith("-") ? args[0].toLowerCase(Locale.ROOT) : null;
            throw new InvalidArgumentException(first.startsWith("-") ?
                "unknown option" + (role == null ? "" : " for a " + role) + ": " + first.split("=", 2)[0] :
                "unexpected argument '" + first + "' (options start with --)");
        }
        catch (final CommandLine.ParameterException e)
        {
            throw new InvalidArgumentException(e.getMessage());
        }
    }

    private static String defaultValue(final ArgSpec arg, final Map<String, String> environment,
        final Map<String, String> file)
    {
        final String name = arg instanceof OptionSpec option ? name(option) : "role";
        final String value = environment.get(envName(name));
        return value != null ? value : file.get(name);
    }

    private static CommandSpec spec()
    {
        final CommandSpec spec = CommandSpec.create().name("rocklet-server");
        spec.addPositional(PositionalParamSpec.builder().index("0").arity("0..1").paramLabel("ROLE")
            .type(String.class).description("router, broker or controller (env " + envName("role") +
                ", or role= in the --config file)").build());
        for (final ServerOptionTable.Entry entry : ServerOptionTable.ENTRIES)
        {
            final OptionSpec.Builder option = OptionSpec.builder("--" + entry.name()).description(entry.description() +
                " [" + roles(entry.roles()) + "; env " + envName(entry.name()) + "]");
            if (entry.flag())
            {
                option.type(boolean.class).arity("0");
            }
            else if (entry.repeatable())
            {
                option.type(List.class).auxiliaryTypes(String.class).arity("1").splitRegex(",")
                    .paramLabel(entry.label());
            }
            else
            {
                option.type(String.class).arity("1").paramLabel(entry.label());
            }
            spec.addOption(option.build());
        }
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help.").build());
        final UsageMessageSpec usage = spec.usageMessage();
        usage.synopsisHeading("").customSynopsis(
                "usage: rocklet-server router|broker|controller [options]",
                "       rocklet-server --config FILE [options]",
                "       rocklet-server admin <topic|group|message|dlq|cluster> <command> [options]   (admin --help)",
                "")
            .sortOptions(false).autoWidth(true).width(120).optionListHeading("%nOptions:%n")
            .description("Runs one Rocklet router, broker or failover controller until SIGTERM (or Ctrl-C); " +
                "java -jar rocklet-server.jar admin --help for the operator's commands.")
            .footerHeading("%n").footer(
                "Every option also comes from the environment variable ROCKLET_<OPTION> (e.g. ROCKLET_PORT, " +
                    "ROCKLET_TLS_CERT, ROCKLET_DATA) or the --config properties file (e.g. port=9876, " +
                    "plaintext=true); the command line wins over the environment, the environment over the file.",
                "Exit status: 0 after a graceful stop, 1 when it could not start, 2 for bad options.");
        return spec;
    }

    private static String roles(final Set<ServerSettings.Role> roles)
    {
        if (roles.size() == 3)
        {
            return "all roles";
        }
        final StringBuilder text = new StringBuilder();
        for (final ServerSettings.Role role : roles)
        {
            text.append(text.length() == 0 ? "" : ", ").append(role.name().toLowerCase(Locale.ROOT));
        }
        return text.toString();
    }

    private static String name(final OptionSpec option)
    {
        return option.longestName().substring(2);
    }

    private static ServerSettings.Role role(final String name)
    {
        return switch (name.toLowerCase(Locale.ROOT))
        {
            case "router" -> ROUTER;
            case "broker" -> BROKER;
            case "controller" -> CONTROLLER;
            default -> throw new InvalidArgumentException("unknown server role '" + name +
                "': expected router, broker or controller");
        };
    }

    private static void checkRole(final String name, final ServerSettings.Role role)
    {
        final Set<ServerSettings.Role> roles = ServerOptionTable.roles(name);
        if (!roles.contains(role) && !name.equals("help"))
        {
            throw new InvalidArgumentException("unknown option for a " + role.name().toLowerCase(Locale.ROOT) +
                ": --" + name);
        }
    }

    private static Map<String, String> readFile(final Path file)
    {
        final Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            properties.load(reader);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot read the config file: file=" + file, e);
        }
        final Map<String, String> options = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(key -> options.put(key.trim(), properties.getProperty(key).trim()));
        for (final String key : options.keySet())
        {
            if (!key.equals("role") && ServerOptionTable.roles(key).isEmpty())
            {
                throw new InvalidArgumentException("unknown option in the config file: " + key + " (file=" + file +
                    ")");
            }
        }
        return options;
    }
}
