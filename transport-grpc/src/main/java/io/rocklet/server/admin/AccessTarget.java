package io.rocklet.server.admin;

import io.rocklet.api.Admin;
import io.rocklet.api.auth.AccessAdmin;
import io.rocklet.server.ServerOptions;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * Whose users and policies a {@code user} or {@code policy} command manages: {@code --broker ADDRESS} or
 * {@code --router ADDRESS} (each broker and router keeps its own rules file); neither: the first of {@code --routers}.
 */
final class AccessTarget
{
    @Option(names = "--broker", paramLabel = "host:port",
        description = "Manage this broker's rules (host:port or grpc://host:port).")
    String broker;

    @Option(names = "--router", paramLabel = "host:port",
        description = "Manage this router's rules (default: the first of --routers).")
    String router;

    /**
     * @return the access management of the chosen broker or router.
     */
    AccessAdmin of(final Admin admin, final List<String> routers)
    {
        if (broker != null && router != null)
        {
            throw new io.rocklet.api.InvalidArgumentException("--broker and --router exclude each other: broker=" +
                broker + ", router=" + router);
        }
        if (broker != null)
        {
            return admin.brokerAccess(ServerOptions.grpcAddress("broker", broker));
        }
        return admin.routerAccess(ServerOptions.grpcAddress("router", router != null ? router : routers.get(0)));
    }
}
