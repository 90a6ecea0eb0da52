package io.rocklet.benchmarks.grpc;

import io.rocklet.api.ClientConfig;
import io.rocklet.api.RockletClient;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.auth.Credentials;
import io.rocklet.benchmarks.scenario.BenchSession;
import io.rocklet.benchmarks.scenario.BenchTarget;
import io.rocklet.benchmarks.store.Results;
import io.rocklet.client.RockletClients;
import io.rocklet.transport.grpc.GrpcTransport;
import io.rocklet.transport.grpc.GrpcTransportConfig;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The broker server JVM ({@link ServerProcess}) as the client scenarios' target, reached over gRPC (plaintext, on
 * 127.0.0.1). Every session is a new client on a new {@link GrpcTransport} (the product's defaults: 1 I/O thread,
 * 4 executor threads, one HTTP/2 connection per peer) and a new topic {@code <prefix>-<n>} of 4 queues, created with
 * {@code Admin.createTopic} and routable before the session is handed out. Closing a session closes the client and
 * its transport (the topic stays on the broker) and notes the CPU time the server JVM and this JVM used meanwhile.
 * Used by the main thread only.
 */
final class GrpcTarget implements BenchTarget
{
    private static final long ROUTE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final long REGISTRATION_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(90);

    private final ServerProcess server;
    private final String flush;
    private final String topicPrefix;
    private final Results results;
    private final Credentials credentials;
    private final String routerAddress;
    private final String brokerAddress;
    private int topics;

    /**
     * @param server      the server JVM.
     * @param flush       its flush mode, for the notes.
     * @param topicPrefix names the topics this target creates (targets on one server need different prefixes).
     * @param results     where the sessions' CPU notes go.
     */
    GrpcTarget(final ServerProcess server, final String flush, final String topicPrefix, final Results results)
    {
        this(server, flush, topicPrefix, results, null);
    }

    /**
     * @param credentials with these, the target is the server's pair with access control, every call signed; null:
     *                    the plain pair.
     */
    GrpcTarget(final ServerProcess server, final String flush, final String topicPrefix, final Results results,
        final Credentials credentials)
    {
        this.credentials = credentials;
        this.routerAddress = credentials == null ? server.routerAddress() : server.authRouterAddress();
        this.brokerAddress = credentials == null ? server.brokerAddress() : server.authBrokerAddress();
        this.server = server;
        this.flush = flush;
        this.topicPrefix = topicPrefix;
        this.results = results;
    }

    @Override
    public String name()
    {
        return "grpc";
    }

    @Override
    public BenchSession open(final String figure)
    {
        final String topic = topicPrefix + "-" + ++topics;
        final GrpcTransport transport = GrpcTransport.create(GrpcTransportConfig.builder().plaintext().build());
        final RockletClient client;
        try
        {
            client = RockletClients.create(ClientConfig.builder().routers(routerAddress).credentials(credentials)
                .build(), transport);
            awaitRegistered(client);
            client.admin().createTopic(TopicConfig.of(topic, BenchSession.QUEUES));
            awaitRoute(client, topic);
        }
        catch (final RuntimeException e)
        {
            transport.close();
            throw e;
        }
        final long serverCpuStart = server.cpuNs();
        final long clientCpuStart = clientCpuNs();
        final long start = System.nanoTime();
        final GrpcTransportConfig config = transport.config();
        final String description = String.format(Locale.ROOT, "topic %s on the broker server JVM (pid %d) at %s " +
                "(router %s, same JVM), flush=%s, store defaults, plaintext, %s; client transport ioThreads=%d " +
                "executorThreads=%d maxInFlightRequests=%d",
            topic, server.pid(), brokerAddress, routerAddress, flush, credentials == null ? "no access control" :
                "access control on (every call signed, HMAC-SHA256, and checked against a policy)", config.ioThreads(),
            config.executorThreads(), config.maxInFlightRequests());
        return new BenchSession(client, topic, description, () ->
        {
            final double seconds = (System.nanoTime() - start) / 1e9;
            client.close();
            transport.close();
            final double serverCpu = (server.cpuNs() - serverCpuStart) / 1e9;
            final double clientCpu = (clientCpuNs() - clientCpuStart) / 1e9;
            results.note("%s: session of %.1f s; CPU used meanwhile: server JVM %.2f s (%.0f %% of a core), client " +
                "JVM %.2f s (%.0f %% of a core)", figure, seconds, serverCpu, 100 * serverCpu / seconds, clientCpu,
                100 * clientCpu / seconds);
        });
    }

    /**
     * The broker registers with the router a moment after it serves, and when its first registration fails (a
     * loaded machine: the call timed out before the connection was up) only at its next heartbeat, 30 s later:
     * waits until the router knows a broker, so that createTopic finds one.
     */
    private static void awaitRegistered(final RockletClient client)
    {
        final long start = System.nanoTime();
        while (client.admin().clusterStatus().brokers().isEmpty())
        {
            if (System.nanoTime() - start > REGISTRATION_TIMEOUT_NS)
            {
                throw new IllegalStateException("no broker registered with the router within " +
                    TimeUnit.NANOSECONDS.toSeconds(REGISTRATION_TIMEOUT_NS) + " s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /**
     * {@code Admin.createTopic} returns once the broker has the topic; the broker tells the router on its next
     * duty cycle. Waits until the router serves the route, so that a consumer made next gets the queues.
     */
    private static void awaitRoute(final RockletClient client, final String topic)
    {
        final long start = System.nanoTime();
        while (true)
        {
            RuntimeException error = null;
            try
            {
                if (!client.admin().route(topic).brokers().isEmpty())
                {
                    return;
                }
            }
            catch (final RockletException e)
            {
                error = e;
            }
            if (System.nanoTime() - start > ROUTE_TIMEOUT_NS)
            {
                throw new IllegalStateException("the router has no route for the topic " + topic + " " +
                    TimeUnit.NANOSECONDS.toMillis(ROUTE_TIMEOUT_NS) + " ms after createTopic", error);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static long clientCpuNs()
    {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os ?
            os.getProcessCpuTime() : -1;
    }
}
