package io.rocklet.cluster;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.auth.Credentials;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.api.spi.RouterService.BrokerRegistration;
import io.rocklet.api.spi.RouterService.TopicRoute;
import io.rocklet.auth.AclFile;
import io.rocklet.testkit.AccountingReport;
import io.rocklet.testkit.SpiCalls;
import io.rocklet.transport.grpc.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Access control across JVMs: two routers and two brokers started with {@code --auth} (the brokers register as
 * cluster members with their own identity), producer and consumer JVMs signing with a client identity, and a client
 * identity that tries to take over a broker's routes.
 */
@Timeout(value = 150)
class MultiJvmAuthTest
{
    private static final Credentials OPS = new Credentials("ops", "ops-secret");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    @Test
    void shouldDeliverForSignedClientsAndRefuseRouteHijackWhenClusterEnforcesRules()
    {
        final Path rules = directory.resolve("rules.acl");
        AclFile.write(rules, AclFile.parse(List.of(
            "user app kind=client secret=app-secret",
            "user ops kind=super secret=ops-secret",
            "user broker-a kind=member secret=a-secret",
            "user broker-b kind=member secret=b-secret",
            "allow app Pub,Sub topic:mj-*,group:g-mj"), "test"));
        try (MultiJvmCluster cluster = MultiJvmCluster.start(directory, rules, OPS))
        {
            cluster.createTopic("mj-orders", 2);
            final ClientProcess consumer = cluster.consumer("mj-c1", "mj-orders", "g-mj", "--access-key", "app",
                "--secret", "app-secret").awaitReady();
            Await.until(WAIT, () -> consumer.progress("assigned") == 4, () -> "assigned: " + consumer.progress() +
                consumer.describe());
            final ClientProcess producer = cluster.producer("mj-p1", "mj-orders", "--count", "100", "--access-key",
                "app", "--secret", "app-secret");
            producer.awaitDone(WAIT);
            Await.until(WAIT, () -> consumer.progress("received") >= 100, () -> "received: " + consumer.progress() +
                consumer.describe());
            consumer.stop();
            final AccountingReport report = Journals.report("mj-orders", List.of(producer.journal(),
                consumer.journal()));
            report.assertNoLoss();
            assertEquals(100, report.acknowledged(), report::toString);

            final String routerAddress = cluster.router(0).address();
            final RouterService asApp = cluster.transport().router(routerAddress, new Credentials("app",
                "app-secret"));
            final RouterService asOps = cluster.transport().router(routerAddress, OPS);
            final TopicRoute before = asOps.queryRoute("mj-orders").join();
            final RockletException hijack = SpiCalls.error(asApp.registerBroker(new BrokerRegistration(
                new BrokerIdentity("DefaultCluster", "broker-a", 0, "grpc://127.0.0.1:1"),
                List.of(TopicConfig.of("mj-orders", 8)), Long.MAX_VALUE)));
            final RockletException anonymous = SpiCalls.error(cluster.transport().router(routerAddress)
                .queryRoute("mj-orders"));

            assertEquals(ErrorCode.PERMISSION_DENIED, hijack.errorCode(), hijack.getMessage());
            assertEquals(ErrorCode.UNAUTHENTICATED, anonymous.errorCode(), anonymous.getMessage());
            assertEquals(before, asOps.queryRoute("mj-orders").join());
            assertTrue(before.brokers().stream().noneMatch(route -> route.masterAddress().endsWith(":1")),
                before::toString);
        }
    }
}
