package io.rocklet.server.admin;

import io.rocklet.api.admin.BrokerState;
import io.rocklet.api.admin.ClusterStatus;
import io.rocklet.api.admin.RouterState;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.time.Instant;

/**
 * {@code admin cluster status}.
 */
@Command(name = "cluster", description = "The cluster: status.")
final class ClusterCommands
{
    @ParentCommand
    AdminCli admin;

    @Command(name = "status", description = "Every router and broker: reachable, registered, load. Exits 3 when " +
        "no router answered.")
    int status()
    {
        final ClusterStatus status = admin.withAdmin(a -> a.clusterStatus());
        final int exit = status.routers().stream().anyMatch(RouterState::reachable) ? 0 : AdminCli.UNREACHABLE;
        if (admin.json)
        {
            admin.print(status, s -> new Table());
            return exit;
        }
        final Table routers = new Table("ROUTER", "REACHABLE", "BROKERS", "ERROR");
        for (final RouterState router : status.routers())
        {
            routers.row(router.address(), router.reachable(), router.brokerCount(), router.error());
        }
        routers.print(admin.out());
        admin.out().println();
        final Table brokers = new Table("CLUSTER", "BROKER", "ID", "ADDRESS", "REACHABLE", "WRITABLE", "STARTED",
            "TOPICS", "GROUPS", "CLIENTS", "ERROR");
        for (final BrokerState broker : status.brokers())
        {
            brokers.row(broker.clusterName(), broker.brokerName(), broker.brokerId(), broker.address(),
                broker.reachable(), broker.writable(), broker.startedMs() <= 0 ? null :
                Instant.ofEpochMilli(broker.startedMs()), broker.topicCount(), broker.groupCount(),
                broker.clientCount(), broker.error());
        }
        brokers.print(admin.out());
        return exit;
    }
}
