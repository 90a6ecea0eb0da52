package io.rocklet.server;

import io.rocklet.api.InvalidArgumentException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Chooses the server jar's Logback configuration before anything logs: {@code --log-config FILE} (a Logback file of
 * the operator's), else {@code --log-format json} (JSON lines), else the bundled text format (each option also from
 * its environment variable, {@code ROCKLET_LOG_CONFIG}, {@code ROCKLET_LOG_FORMAT}; not from a config file); the admin command line
 * logs only warnings. A {@code -Dlogback.configurationFile} on the java command line wins over all of them. Must run
 * before the first logger is created.
 */
final class LogSetup
{
    static final String CONFIG_PROPERTY = "logback.configurationFile";
    static final String JSON_CONFIG = "rocklet-logback-json.xml";
    static final String ADMIN_CONFIG = "rocklet-logback-admin.xml";

    private LogSetup()
    {
    }

    /**
     * @throws InvalidArgumentException when {@code --log-config} names no readable file or {@code --log-format} is
     *                                  neither text nor json.
     */
    static void configure(final String[] args)
    {
        if (System.getProperty(CONFIG_PROPERTY) != null)
        {
            return;
        }
        if (args.length > 0 && args[0].equals("admin"))
        {
            System.setProperty(CONFIG_PROPERTY, ADMIN_CONFIG);
            return;
        }
        final String file = valueOrEnvironment(args, "log-config");
        final String format = valueOrEnvironment(args, "log-format");
        if (format != null && !List.of("text", "json").contains(format))
        {
            throw new InvalidArgumentException("--log-format wants text or json, got '" + format + "'");
        }
        if (file != null)
        {
            if (!Files.isReadable(Path.of(file)))
            {
                throw new InvalidArgumentException("--log-config: cannot read the file '" + file + "'");
            }
            System.setProperty(CONFIG_PROPERTY, Path.of(file).toAbsolutePath().toString());
        }
        else if ("json".equals(format))
        {
            System.setProperty(CONFIG_PROPERTY, JSON_CONFIG);
        }
    }

    /**
     * @return the option's value on the command line, else its {@code ROCKLET_*} environment variable, else null.
     */
    private static String valueOrEnvironment(final String[] args, final String name)
    {
        final String value = value(args, name);
        return value != null ? value : System.getenv(ServerCommandLine.envName(name));
    }

    private static String value(final String[] args, final String name)
    {
        for (int i = 0; i < args.length; i++)
        {
            if (args[i].equals("--" + name) && i + 1 < args.length)
            {
                return args[i + 1];
            }
            if (args[i].startsWith("--" + name + "="))
            {
                return args[i].substring(name.length() + 3);
            }
        }
        return null;
    }
}
