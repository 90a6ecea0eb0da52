package io.rocklet.controller;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.Binding;
import io.rocklet.api.spi.ControllerService;
import io.rocklet.api.spi.ControllerService.ReplicaSetState;
import io.rocklet.api.spi.Transport;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A failover controller: one member of a Raft group (Apache Ratis over its own gRPC, on the peer port of
 * {@link ControllerConfig#peers()}) that decides which replica of each replica set is the master. Start three (an odd
 * number) with the same peer map; any one may stop without effect, and with fewer than a majority alive no decision
 * is made (calls fail with NO_QUORUM or NOT_LEADER). The state is Raft's log and snapshots under
 * {@link ControllerConfig#dataDirectory()}; a restarted controller resumes from them.
 *
 * <p>Its {@link #service()} is served at {@link ControllerConfig#serviceAddress()} on the transport when one is set.
 * Threads: Ratis' own (server, gRPC event loops, log worker, state-machine updater; see the module README) and one
 * daemon thread {@code rocklet-controller-<id>} that checks heartbeats every {@link ControllerConfig#checkInterval()}
 * and sleeps in between, or none in INVOKER mode (the caller runs {@link #doWork()}). Thread-safe.
 */
public final class Controller implements AutoCloseable
{
    /** The Raft group every controller of a deployment joins (one group: one controller cluster). */
    static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(
        UUID.nameUUIDFromBytes("rocklet-controller".getBytes(StandardCharsets.UTF_8)));
    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);
    private static final long MAX_IDLE_SLEEP_MS = 50;

    private final ControllerConfig config;
    private final ReplicaSets sets = new ReplicaSets();
    private final Liveness liveness;
    private final RaftServer server;
    private final ControllerEndpoint endpoint;
    private final AtomicBoolean closed = new AtomicBoolean();
    private AgentRunner runner;
    private AgentInvoker invoker;
    private Binding binding;

    private Controller(final ControllerConfig config) throws IOException
    {
        this.config = config;
        this.liveness = new Liveness(config.heartbeatTimeout().toMillis());
        this.server = RaftServer.newBuilder()
            .setServerId(RaftPeerId.valueOf(config.id()))
            .setGroup(group(config))
            .setProperties(properties(config))
            .setStateMachine(new ControllerStateMachine(sets, config.id()))
            .setOption(Files.isDirectory(config.dataDirectory().resolve(GROUP_ID.getUuid().toString())) ?
                RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
            .build();
        this.endpoint = new ControllerEndpoint(config, server, GROUP_ID, sets, liveness);
    }

    /**
     * Starts a controller: its Raft server, its agent and (when {@link ControllerConfig#serviceAddress()} is set) its
     * service on {@code transport}.
     *
     * @param transport serves the controller service; may be null when no service address is set.
     * @throws RockletException IO_ERROR when the Raft port or data directory cannot be used.
     */
    public static Controller start(final ControllerConfig config, final Transport transport)
    {
        if (config == null || (config.serviceAddress() != null && transport == null))
        {
            throw new InvalidArgumentException("cannot start controller: config=" + config + ", transport=" +
                transport + " (a service address needs a transport)");
        }
        final Controller controller;
        try
        {
            Files.createDirectories(config.dataDirectory());
            controller = new Controller(config);
            controller.server.start();
        }
        catch (final IOException e)
        {
            throw new RockletException(ErrorCode.IO_ERROR, "cannot start controller: id=" + config.id() +
                ", peer=" + config.peers().get(config.id()) + ", dataDirectory=" + config.dataDirectory() +
                ", error=" + e, e);
        }
        try
        {
            if (config.serviceAddress() != null)
            {
                controller.binding = transport.serve(config.serviceAddress(), controller.endpoint,
                    config.accessControl());
            }
            controller.startAgent();
        }
        catch (final RuntimeException e)
        {
            controller.close();
            throw e;
        }
        LOG.info("controller started: id={}, peers={}, dataDirectory={}, serviceAddress={}, heartbeatTimeoutMs={}, " +
            "allowUncleanElection={}, threadingMode={}", config.id(), config.peers(), config.dataDirectory(),
            controller.serviceAddress(), config.heartbeatTimeout().toMillis(), config.allowUncleanElection(),
            config.threadingMode());
        return controller;
    }

    /**
     * @return this controller's service (answers only while it is the leader); the transport serves the same object.
     */
    public ControllerService service()
    {
        return endpoint;
    }

    /**
     * @return the address the service is served at (with the port bound), or null when it is not served.
     */
    public String serviceAddress()
    {
        final Binding bound = binding;
        return bound == null ? null : bound.address();
    }

    public ControllerConfig config()
    {
        return config;
    }

    /**
     * @return true while this controller is the Raft leader, ready to decide.
     */
    public boolean isLeader()
    {
        return !closed.get() && endpoint.leaderReady();
    }

    /**
     * @return the leader's id as this controller knows it, or null during an election.
     */
    public String leaderId()
    {
        return endpoint.leaderId();
    }

    /**
     * @return this controller's applied copy of a replica set (not linearizable: a follower may lag), or null.
     */
    public ReplicaSetState localState(final String brokerName)
    {
        return sets.get(brokerName);
    }

    /**
     * Runs the agent once (INVOKER mode only).
     *
     * @return the amount of work done.
     */
    public int doWork()
    {
        if (invoker == null)
        {
            throw new IllegalStateException("doWork() is for ThreadingMode.INVOKER; controller " + config.id() +
                " runs " + config.threadingMode());
        }
        return invoker.invoke();
    }

    /**
     * Stops the agent, the service and the Raft server (the data directory stays for a restart). Idempotent.
     */
    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        endpoint.close();
        if (runner != null)
        {
            runner.close();
        }
        if (invoker != null)
        {
            invoker.close();
        }
        if (binding != null)
        {
            binding.close();
        }
        try
        {
            server.close();
        }
        catch (final IOException e)
        {
            LOG.warn("controller raft server did not close cleanly: id={}, error={}", config.id(), e.toString());
        }
        LOG.info("controller closed: id={}", config.id());
    }

    @Override
    public String toString()
    {
        return "Controller{id=" + config.id() + ", leader=" + isLeader() + ", serviceAddress=" + serviceAddress() +
            '}';
    }

    private void startAgent()
    {
        final FailoverAgent agent = new FailoverAgent(config, endpoint, sets, liveness, serviceAddress());
        final ErrorHandler errors = e -> LOG.error("controller check failed: id={}", config.id(), e);
        if (config.threadingMode() == ControllerConfig.ThreadingMode.DEDICATED)
        {
            final long sleepMs = Math.max(1, Math.min(MAX_IDLE_SLEEP_MS, config.checkInterval().toMillis()));
            runner = new AgentRunner(new SleepingMillisIdleStrategy(sleepMs), errors, null, agent);
            AgentRunner.startOnThread(runner, runnable ->
            {
                final Thread thread = new Thread(runnable, agent.roleName());
                thread.setDaemon(true);
                return thread;
            });
        }
        else
        {
            invoker = new AgentInvoker(errors, null, agent);
            invoker.start();
        }
    }

    private static RaftGroup group(final ControllerConfig config)
    {
        final List<RaftPeer> peers = new ArrayList<>();
        config.peers().forEach((id, hostPort) -> peers.add(RaftPeer.newBuilder().setId(id).setAddress(hostPort)
            .build()));
        return RaftGroup.valueOf(GROUP_ID, peers);
    }

    private static RaftProperties properties(final ControllerConfig config)
    {
        final RaftProperties properties = new RaftProperties();
        RaftConfigKeys.Rpc.setType(properties, SupportedRpcType.GRPC);
        final String self = config.peers().get(config.id());
        final int colon = self.lastIndexOf(':');
        GrpcConfigKeys.Server.setHost(properties, self.substring(0, colon));
        GrpcConfigKeys.Server.setPort(properties, Integer.parseInt(self.substring(colon + 1)));
        RaftServerConfigKeys.setStorageDir(properties, List.of(config.dataDirectory().toFile()));
        final long electionMs = config.raftElectionTimeout().toMillis();
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, TimeDuration.valueOf(electionMs, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, TimeDuration.valueOf(2 * electionMs,
            TimeUnit.MILLISECONDS));
        final TimeDuration requestTimeout = TimeDuration.valueOf(config.requestTimeout().toMillis(),
            TimeUnit.MILLISECONDS);
        RaftServerConfigKeys.Rpc.setRequestTimeout(properties, requestTimeout);
        // heartbeat answers and replica-set reads are linearizable: a leader cut off from the majority cannot answer
        RaftServerConfigKeys.Read.setOption(properties, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(properties, true);
        RaftServerConfigKeys.Read.setTimeout(properties, requestTimeout);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, config.snapshotThreshold());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, 2);
        return properties;
    }
}
