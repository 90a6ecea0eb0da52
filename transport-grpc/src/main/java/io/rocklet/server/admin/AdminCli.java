package io.rocklet.server.admin;

import io.rocklet.api.Admin;
import io.rocklet.api.ClientConfig;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletClient;
import io.rocklet.api.RockletException;
import io.rocklet.api.auth.Credentials;
import io.rocklet.client.RockletClients;
import io.rocklet.server.ServerOptions;
import io.rocklet.transport.grpc.GrpcTransport;
import io.rocklet.transport.grpc.GrpcTransportConfig;
import io.rocklet.transport.grpc.TlsConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The operator's command line ({@code java -jar rocklet-server.jar admin <group> <command> [options]}): the everyday
 * mqadmin commands over the {@link Admin} API of a cluster reached through its routers. Human tables by default,
 * {@code --json} for scripts; every address option takes {@code host:port} or {@code grpc://host:port}; options
 * default to {@code ROCKLET_*} environment variables. Exit codes: see {@link #EXIT_CODES}.
 */
@Command(name = "admin", sortOptions = false, usageHelpAutoWidth = true,
    description = "Operate a Rocklet cluster through its routers.",
    subcommands = {TopicCommands.class, GroupCommands.class, MessageCommands.class, DeadLetterCommands.class,
        ClusterCommands.class, UserCommands.class, PolicyCommands.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:the cluster refused or failed the request", "2:bad command line",
        "3:the cluster could not be reached (no router or broker answered in time)",
        "4:not found (topic, group or message)"})
public final class AdminCli
{
    /** Every exit status, for scripts. */
    public static final String EXIT_CODES = "0 done, 1 refused or failed, 2 bad command line, 3 unreachable, " +
        "4 not found";
    static final int FAILED = 1;
    static final int UNREACHABLE = 3;
    static final int NOT_FOUND = 4;

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help.")
    boolean help;

    @Option(names = "--routers", scope = ScopeType.INHERIT, split = ",", paramLabel = "host:port",
        defaultValue = "${env:ROCKLET_ROUTERS:-127.0.0.1:9876}",
        description = "Routers of the cluster, host:port or grpc://host:port, comma-separated " +
            "(env ROCKLET_ROUTERS; default ${DEFAULT-VALUE}).")
    List<String> routers;

    @Option(names = "--tls-ca", scope = ScopeType.INHERIT, paramLabel = "ca.pem",
        defaultValue = "${env:ROCKLET_TLS_CA}",
        description = "Connect with TLS, trusting servers signed by this CA (env ROCKLET_TLS_CA); plaintext " +
            "without it.")
    Path tlsCa;

    @Option(names = "--tls-cert", scope = ScopeType.INHERIT, paramLabel = "chain.pem",
        defaultValue = "${env:ROCKLET_TLS_CERT}",
        description = "Client certificate chain for mutual TLS (env ROCKLET_TLS_CERT), with --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", scope = ScopeType.INHERIT, paramLabel = "key.pem",
        defaultValue = "${env:ROCKLET_TLS_KEY}",
        description = "Client private key for mutual TLS (env ROCKLET_TLS_KEY).")
    Path tlsKey;

    @Option(names = "--access-key", scope = ScopeType.INHERIT, paramLabel = "<key>",
        defaultValue = "${env:ROCKLET_ACCESS_KEY}",
        description = "Sign calls as this user (env ROCKLET_ACCESS_KEY), with --secret-file; for clusters with " +
            "access control.")
    String accessKey;

    @Option(names = "--secret-file", scope = ScopeType.INHERIT, paramLabel = "<file>",
        defaultValue = "${env:ROCKLET_SECRET_FILE}",
        description = "A file whose first line is the --access-key's secret (env ROCKLET_SECRET_FILE).")
    Path secretFile;

    @Option(names = "--timeout", scope = ScopeType.INHERIT, paramLabel = "10s",
        defaultValue = "${env:ROCKLET_TIMEOUT:-10s}",
        description = "How long to wait for each answer (env ROCKLET_TIMEOUT; default ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--json", scope = ScopeType.INHERIT,
        description = "Print JSON (one document) instead of a table.")
    boolean json;

    /**
     * Runs one admin command.
     *
     * @return the exit status (see {@link #EXIT_CODES}).
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        final CommandLine commandLine = new CommandLine(new AdminCli())
            .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
            .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
            .setExecutionExceptionHandler((error, command, parsed) -> failure(error, command.getErr()));
        commandLine.setParameterExceptionHandler((error, rest) ->
        {
            final PrintWriter writer = error.getCommandLine().getErr();
            writer.println("rocklet admin: " + error.getMessage());
            error.getCommandLine().usage(writer);
            return CommandLine.ExitCode.USAGE;
        });
        return commandLine.execute(args);
    }

    /**
     * Connects to the cluster, runs {@code action} with its {@link Admin} and closes the connection.
     */
    <T> T withAdmin(final Function<Admin, T> action)
    {
        final List<String> addresses = new ArrayList<>();
        for (final String router : routers)
        {
            addresses.add(ServerOptions.grpcAddress("routers", router));
        }
        final Duration callTimeout = ServerOptions.duration("timeout", timeout);
        try (GrpcTransport transport = GrpcTransport.create(transportConfig(callTimeout));
             RockletClient client = RockletClients.create(ClientConfig.builder().routers(addresses)
                 .requestTimeout(callTimeout).credentials(credentials()).build(), transport))
        {
            return action.apply(client.admin());
        }
    }

    /**
     * Prints {@code value} as JSON when {@code --json} is given, else as the table {@code table} makes of it.
     */
    <T> int print(final T value, final Function<T, Table> table)
    {
        final PrintWriter out = spec.commandLine().getOut();
        if (json)
        {
            out.println(Json.write(value));
            out.flush();
        }
        else
        {
            table.apply(value).print(out);
        }
        return 0;
    }

    PrintWriter out()
    {
        return spec.commandLine().getOut();
    }

    /**
     * @return the first line of {@code file}, trimmed (a secret).
     * @throws InvalidArgumentException naming {@code option} when it cannot be read or is empty.
     */
    static String secretFrom(final Path file, final String option)
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        catch (final IOException e)
        {
            throw new InvalidArgumentException("cannot read " + option + "=" + file + ": " + e.getMessage());
        }
        if (lines.isEmpty() || lines.get(0).isBlank())
        {
            throw new InvalidArgumentException("empty " + option + "=" + file + ", expected the secret on its first " +
                "line");
        }
        return lines.get(0).trim();
    }

    private Credentials credentials()
    {
        if ((accessKey == null) != (secretFile == null))
        {
            throw new InvalidArgumentException("signed calls need both --access-key and --secret-file (missing: " +
                (accessKey == null ? "--access-key" : "--secret-file") + ")");
        }
        return accessKey == null ? null : new Credentials(accessKey, secretFrom(secretFile, "--secret-file"));
    }

    private GrpcTransportConfig transportConfig(final Duration callTimeout)
    {
        final GrpcTransportConfig.Builder builder = GrpcTransportConfig.builder().callTimeout(callTimeout)
            .ioThreads(1).executorThreads(1);
        if ((tlsCert == null) != (tlsKey == null))
        {
            throw new InvalidArgumentException("mutual TLS needs both --tls-cert and --tls-key (missing: " +
                (tlsCert == null ? "--tls-cert" : "--tls-key") + ")");
        }
        if (tlsCa == null)
        {
            if (tlsCert != null)
            {
                throw new InvalidArgumentException("--tls-cert and --tls-key need --tls-ca (the servers' CA)");
            }
            return builder.plaintext().build();
        }
        final TlsConfig.Builder tls = TlsConfig.builder().trustCertificates(tlsCa);
        if (tlsCert != null)
        {
            tls.keyCertChain(tlsCert, tlsKey);
        }
        return builder.tls(tls.build()).build();
    }

    private static int failure(final Exception error, final PrintWriter err)
    {
        if (error instanceof InvalidArgumentException)
        {
            err.println("rocklet admin: " + error.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        if (error instanceof RockletException rocklet)
        {
            err.println("rocklet admin: " + rocklet.errorCode() + ": " + rocklet.getMessage());
            return exitCode(rocklet.errorCode());
        }
        err.println("rocklet admin: " + error);
        return FAILED;
    }

    static int exitCode(final ErrorCode code)
    {
        return switch (code)
        {
            case TOPIC_NOT_FOUND, GROUP_NOT_FOUND, MESSAGE_NOT_FOUND -> NOT_FOUND;
            case BROKER_UNAVAILABLE, TIMEOUT, NO_ROUTE -> UNREACHABLE;
            default -> FAILED;
        };
    }
}
