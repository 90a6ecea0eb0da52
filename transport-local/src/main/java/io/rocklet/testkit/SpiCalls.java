package io.rocklet.testkit;

import io.rocklet.api.ConsumeFrom;
import io.rocklet.api.Message;
import io.rocklet.api.MessageModel;
import io.rocklet.api.RockletException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.auth.Action;
import io.rocklet.api.auth.Policy;
import io.rocklet.api.auth.ResourcePattern;
import io.rocklet.api.auth.User;
import io.rocklet.api.TransactionResolution;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.ClientHeartbeat;
import io.rocklet.api.spi.BrokerService.CommitOffsetsRequest;
import io.rocklet.api.spi.BrokerService.EndTransactionRequest;
import io.rocklet.api.spi.BrokerService.ConsumerRegistration;
import io.rocklet.api.spi.BrokerService.KeyQuery;
import io.rocklet.api.spi.BrokerService.LockRequest;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.RecallRequest;
import io.rocklet.api.spi.BrokerService.ReplicaFetchRequest;
import io.rocklet.api.spi.BrokerService.ReplicaMetadataRequest;
import io.rocklet.api.spi.BrokerService.QueueOffset;
import io.rocklet.api.spi.BrokerService.QueueRef;
import io.rocklet.api.spi.BrokerService.ResetOffsetsRequest;
import io.rocklet.api.spi.BrokerService.SendBackRequest;
import io.rocklet.api.spi.BrokerService.SendBatchRequest;
import io.rocklet.api.spi.BrokerService.SendRequest;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.RouterService.BrokerIdentity;
import io.rocklet.api.spi.RouterService.BrokerRegistration;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One sample call of every remote operation of {@link BrokerService} and {@link RouterService}, by operation name
 * (the names of {@link io.rocklet.api.auth.Operations}), on topic {@value #TOPIC} and group {@value #GROUP}: the
 * access-control tests of a transport run each of them with every kind of credentials. The user and policy operations
 * (served by routers too) are sampled on the broker.
 */
public final class SpiCalls
{
    public static final String TOPIC = "auth-topic";
    public static final String GROUP = "auth-group";

    private SpiCalls()
    {
    }

    /** The stubs a call is made on. */
    public record Stubs(BrokerService broker, RouterService router, BrokerIdentity brokerIdentity)
    {
    }

    /**
     * @return operation name to a sample call.
     */
    public static Map<String, Function<Stubs, CompletableFuture<?>>> all()
    {
        final Map<String, Function<Stubs, CompletableFuture<?>>> calls = new TreeMap<>();
        final Message message = Message.builder(TOPIC).body("x").build();
        final QueueRef queue = new QueueRef(TOPIC, 0);
        calls.put("identity", s -> s.broker().identity());
        calls.put("send", s -> s.broker().send(new SendRequest("p", "c", message, 0, 1, 0)));
        calls.put("sendBatch", s -> s.broker().sendBatch(new SendBatchRequest("p", "c", TOPIC, 0, List.of(message),
            1)));
        calls.put("fetchReplica", s -> s.broker().fetchReplica(new ReplicaFetchRequest("c", "no-such-set", 1,
            "local://nowhere", 0, 1024, 0)));
        calls.put("fetchReplicaMetadata", s -> s.broker().fetchReplicaMetadata(new ReplicaMetadataRequest(
            new ReplicaFetchRequest("c", "no-such-set", 1, "local://nowhere", 0, 1024, 0), Map.of())));
        calls.put("recall", s -> s.broker().recall(new RecallRequest(TOPIC, "0A0000000000000000000000")));
        // transactions
        calls.put("endTransaction", s -> s.broker().endTransaction(new EndTransactionRequest("p", TOPIC,
            "0A0000000000000000000000000000FF", 0, TransactionResolution.COMMIT, false)));
        calls.put("watchTransactionChecks", s -> call(() ->
        {
            s.broker().watchTransactionChecks("p", "c", check -> { }).close();
            return CompletableFuture.completedFuture(null);
        }));
        calls.put("transactions", s -> s.broker().transactions("p"));
        calls.put("pull", s -> s.broker().pull(new PullRequest(GROUP, TOPIC, 0, 0, 1, "*", 0)));
        calls.put("heartbeat", s -> s.broker().heartbeat(new ClientHeartbeat("c", List.of(new ConsumerRegistration(
            GROUP, MessageModel.CLUSTERING, ConsumeFrom.LAST, Map.of(TOPIC, "*"))), List.of())));
        calls.put("unregisterClient", s -> s.broker().unregisterClient("c", GROUP));
        calls.put("groupMembers", s -> s.broker().groupMembers(GROUP));
        calls.put("watchGroup", s -> call(() ->
        {
            s.broker().watchGroup(GROUP, "c", event -> { }).close();
            return CompletableFuture.completedFuture(null);
        }));
        calls.put("commitOffsets", s -> s.broker().commitOffsets(new CommitOffsetsRequest(GROUP,
            List.of(new QueueOffset(TOPIC, 0, 0)))));
        calls.put("queryOffset", s -> s.broker().queryOffset(GROUP, TOPIC, 0));
        calls.put("queueOffsets", s -> s.broker().queueOffsets(TOPIC, 0));
        calls.put("searchOffset", s -> s.broker().searchOffset(TOPIC, 0, 0));
        calls.put("lockQueues", s -> s.broker().lockQueues(new LockRequest(GROUP, "c", List.of(queue))));
        calls.put("unlockQueues", s -> s.broker().unlockQueues(new LockRequest(GROUP, "c", List.of(queue))));
        calls.put("sendBack", s -> s.broker().sendBack(new SendBackRequest(GROUP, "000000000000000000000000", TOPIC,
            0, 16)));
        calls.put("createOrUpdateTopic", s -> s.broker().createOrUpdateTopic(TopicConfig.of(TOPIC, 1)));
        calls.put("deleteTopic", s -> s.broker().deleteTopic(TOPIC + "-gone"));
        calls.put("topics", s -> s.broker().topics());
        calls.put("resetOffsets", s -> s.broker().resetOffsets(new ResetOffsetsRequest(GROUP, TOPIC,
            ConsumeFrom.Position.FIRST, 0)));
        calls.put("status", s -> s.broker().status());
        calls.put("topicOffsets", s -> s.broker().topicOffsets(TOPIC));
        calls.put("consumerGroups", s -> s.broker().consumerGroups());
        calls.put("consumerProgress", s -> s.broker().consumerProgress(GROUP));
        calls.put("messageById", s -> s.broker().messageById("000000000000000000000000"));
        calls.put("messagesByKey", s -> s.broker().messagesByKey(new KeyQuery(TOPIC, "k", 0, Long.MAX_VALUE, 1)));
        calls.put("registerBroker", s -> s.router().registerBroker(new BrokerRegistration(s.brokerIdentity(),
            List.of(TopicConfig.of(TOPIC, 1)), System.currentTimeMillis())));
        calls.put("unregisterBroker", s -> s.router().unregisterBroker(new BrokerIdentity("c", "no-such-broker", 0,
            "local://nowhere")));
        calls.put("queryRoute", s -> s.router().queryRoute(TOPIC));
        calls.put("clusterInfo", s -> s.router().clusterInfo());
        calls.put("registeredBrokers", s -> s.router().registeredBrokers());
        // users and policies (AccessService; the router serves the same operations)
        calls.put("listUsers", s -> s.broker().listUsers());
        calls.put("createUser", s -> s.broker().createUser(User.withSecret("spi-sample", User.Kind.CLIENT, "x")));
        calls.put("updateUser", s -> s.broker().updateUser(User.withSecret("spi-sample", User.Kind.CLIENT, "y")));
        calls.put("deleteUser", s -> s.broker().deleteUser("spi-sample"));
        calls.put("listPolicies", s -> s.broker().listPolicies());
        calls.put("putPolicies", s -> s.broker().putPolicies("spi-sample", List.of(new Policy("spi-sample",
            Policy.Effect.ALLOW, Set.of(Action.SUB), List.of(ResourcePattern.parse("group:" + GROUP)), List.of()))));
        return calls;
    }

    /**
     * @return the error of the call, or null when it succeeded.
     */
    public static RockletException error(final CompletableFuture<?> call)
    {
        try
        {
            call.get(30, TimeUnit.SECONDS);
            return null;
        }
        catch (final ExecutionException | CompletionException e)
        {
            if (e.getCause() instanceof RockletException rocklet)
            {
                return rocklet;
            }
            throw new AssertionError("unexpected failure: " + e.getCause(), e.getCause());
        }
        catch (final InterruptedException | TimeoutException e)
        {
            throw new AssertionError("call did not complete: " + e, e);
        }
    }

    private static CompletableFuture<?> call(final Supplier<CompletableFuture<?>> call)
    {
        try
        {
            return call.get();
        }
        catch (final RuntimeException e)
        {
            return CompletableFuture.failedFuture(e);
        }
    }
}
