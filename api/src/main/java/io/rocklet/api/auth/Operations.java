package io.rocklet.api.auth;

import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.TopicConfig;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.BrokerService.ClientHeartbeat;
import io.rocklet.api.spi.BrokerService.CommitOffsetsRequest;
import io.rocklet.api.spi.BrokerService.EndTransactionRequest;
import io.rocklet.api.spi.BrokerService.KeyQuery;
import io.rocklet.api.spi.BrokerService.LockRequest;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.RecallRequest;
import io.rocklet.api.spi.BrokerService.ResetOffsetsRequest;
import io.rocklet.api.spi.BrokerService.SendBackRequest;
import io.rocklet.api.spi.BrokerService.SendBatchRequest;
import io.rocklet.api.spi.BrokerService.SendRequest;
import io.rocklet.api.spi.RouterService;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static io.rocklet.api.auth.Action.CREATE;
import static io.rocklet.api.auth.Action.DELETE;
import static io.rocklet.api.auth.Action.GET;
import static io.rocklet.api.auth.Action.LIST;
import static io.rocklet.api.auth.Action.PUB;
import static io.rocklet.api.auth.Action.SUB;
import static io.rocklet.api.auth.Action.UPDATE;

/**
 * The one table of what every operation of {@link BrokerService} and {@link RouterService} needs: the action, and
 * the resource read from the call's arguments (the {@link io.rocklet.api.spi.AccessService} operations both contracts
 * share are listed once). A method missing here is denied to everybody (a test checks that
 * every method of both interfaces is listed, so a new operation cannot slip by).
 *
 * <table>
 *   <caption>Operations</caption>
 *   <tr><th>operation</th><th>action</th><th>resource</th></tr>
 *   <tr><td>send, sendBatch</td><td>Pub</td><td>topic</td></tr>
 *   <tr><td>pull</td><td>Sub</td><td>topic</td></tr>
 *   <tr><td>queueOffsets, searchOffset</td><td>Sub or Get</td><td>topic</td></tr>
 *   <tr><td>heartbeat</td><td>Sub</td><td>every consumer group in it</td></tr>
 *   <tr><td>unregisterClient, groupMembers, watchGroup, commitOffsets, queryOffset, lockQueues, unlockQueues,
 *       sendBack</td><td>Sub</td><td>group</td></tr>
 *   <tr><td>createOrUpdateTopic / deleteTopic</td><td>Create / Delete</td><td>topic</td></tr>
 *   <tr><td>resetOffsets</td><td>Update</td><td>group</td></tr>
 *   <tr><td>topicOffsets, messagesByKey</td><td>Get</td><td>topic</td></tr>
 *   <tr><td>consumerProgress</td><td>Get</td><td>group</td></tr>
 *   <tr><td>status, messageById / topics, consumerGroups, registeredBrokers</td><td>Get / List</td>
 *       <td>cluster</td></tr>
 *   <tr><td>queryRoute</td><td>Get, Pub or Sub</td><td>topic</td></tr>
 *   <tr><td>identity, clusterInfo</td><td>any authenticated caller</td><td>-</td></tr>
 *   <tr><td>endTransaction</td><td>Pub</td><td>topic (as RocketMQ)</td></tr>
 *   <tr><td>watchTransactionChecks / transactions</td><td>Pub / Get</td><td>producer group</td></tr>
 *   <tr><td>registerBroker, unregisterBroker, fetchReplica, fetchReplicaMetadata</td><td>cluster members only</td>
 *   <td>cluster</td></tr>
 *   <tr><td>listUsers, createUser, updateUser, deleteUser, listPolicies, putPolicies (both services)</td>
 *   <td>Admin</td><td>cluster</td></tr>
 *   <tr><td>brokerDisconnected</td><td>never from a peer (the transport calls it)</td><td>-</td></tr>
 * </table>
 */
public final class Operations
{
    private static final Map<String, Operation> TABLE = new HashMap<>();

    static
    {
        open("identity");
        policy("send", topic(a -> ((SendRequest) a[0]).message().topic()), PUB);
        policy("sendBatch", topic(a -> ((SendBatchRequest) a[0]).topic()), PUB);
        policy("recall", topic(a -> ((RecallRequest) a[0]).topic()), PUB); // as RocketMQ 5.3
        // transactions
        policy("endTransaction", topic(a -> ((EndTransactionRequest) a[0]).topic()), PUB);
        policy("watchTransactionChecks", group(a -> (String) a[0]), PUB);
        policy("transactions", group(a -> (String) a[0]), GET);
        policy("pull", topic(a -> ((PullRequest) a[0]).topic()), SUB);
        policy("heartbeat", a -> ((ClientHeartbeat) a[0]).consumers().stream()
            .map(consumer -> Resource.group(consumer.group())).toList(), SUB);
        policy("unregisterClient", group(a -> (String) a[1]), SUB);
        policy("groupMembers", group(a -> (String) a[0]), SUB);
        policy("watchGroup", group(a -> (String) a[0]), SUB);
        policy("commitOffsets", group(a -> ((CommitOffsetsRequest) a[0]).group()), SUB);
        policy("queryOffset", group(a -> (String) a[0]), SUB);
        policy("queueOffsets", topic(a -> (String) a[0]), SUB, GET);
        policy("searchOffset", topic(a -> (String) a[0]), SUB, GET);
        policy("lockQueues", group(a -> ((LockRequest) a[0]).group()), SUB);
        policy("unlockQueues", group(a -> ((LockRequest) a[0]).group()), SUB);
        policy("sendBack", group(a -> ((SendBackRequest) a[0]).group()), SUB);
        policy("createOrUpdateTopic", topic(a -> ((TopicConfig) a[0]).name()), CREATE);
        policy("deleteTopic", topic(a -> (String) a[0]), DELETE);
        policy("topics", a -> List.of(Resource.CLUSTER), LIST);
        policy("resetOffsets", group(a -> ((ResetOffsetsRequest) a[0]).group()), UPDATE);
        policy("status", a -> List.of(Resource.CLUSTER), GET);
        policy("topicOffsets", topic(a -> (String) a[0]), GET);
        policy("consumerGroups", a -> List.of(Resource.CLUSTER), LIST);
        policy("consumerProgress", group(a -> (String) a[0]), GET);
        policy("messageById", a -> List.of(Resource.CLUSTER), GET);
        policy("messagesByKey", topic(a -> ((KeyQuery) a[0]).topic()), GET);

        add(new Operation("registerBroker", Scope.MEMBER, List.of(Action.ADMIN), a -> List.of(Resource.CLUSTER)));
        add(new Operation("unregisterBroker", Scope.MEMBER, List.of(Action.ADMIN), a -> List.of(Resource.CLUSTER)));
        // replication: a slave reads its master's whole log and metadata
        add(new Operation("fetchReplica", Scope.MEMBER, List.of(Action.ADMIN), a -> List.of(Resource.CLUSTER)));
        add(new Operation("fetchReplicaMetadata", Scope.MEMBER, List.of(Action.ADMIN),
            a -> List.of(Resource.CLUSTER)));
        add(new Operation("brokerDisconnected", Scope.INTERNAL, List.of(Action.ADMIN), a -> List.of()));
        policy("queryRoute", topic(a -> (String) a[0]), GET, PUB, SUB);
        open("clusterInfo");
        policy("registeredBrokers", a -> List.of(Resource.CLUSTER), LIST);

        // management of users and policies (AccessService, on brokers and routers alike): Admin on the cluster
        for (final String name : List.of("listUsers", "createUser", "updateUser", "deleteUser", "listPolicies",
            "putPolicies"))
        {
            policy(name, a -> List.of(Resource.CLUSTER), Action.ADMIN);
        }
    }

    private Operations()
    {
    }

    /**
     * Who may call an operation.
     */
    public enum Scope
    {
        /** Any authenticated caller. */
        OPEN,
        /** Callers whose policies allow one of the actions on every resource (super users always). */
        POLICY,
        /** Cluster members ({@link User.Kind#MEMBER}) only. */
        MEMBER,
        /** Cluster members, and other callers as for {@link #POLICY} (reads members need, others may be granted). */
        MEMBER_OR_POLICY,
        /** Nobody: the transport calls it on the served component itself, never for a peer. */
        INTERNAL
    }

    /**
     * @param name      the SPI method name.
     * @param scope     who may call it.
     * @param actions   for POLICY: allowed when one of these is allowed (and not denied) on every resource.
     * @param resources reads the resources from the call's arguments.
     */
    public record Operation(String name, Scope scope, List<Action> actions,
        Function<Object[], List<Resource>> resources)
    {
        public Operation
        {
            actions = List.copyOf(actions);
        }

        /**
         * @return the resources the call acts on.
         * @throws InvalidArgumentException naming the operation when the arguments lack the resource's name.
         */
        public List<Resource> resourcesOf(final Object[] arguments)
        {
            try
            {
                return resources.apply(arguments);
            }
            catch (final InvalidArgumentException e)
            {
                throw e;
            }
            catch (final RuntimeException e)
            {
                throw new InvalidArgumentException("cannot tell the resource of a call: operation=" + name +
                    ", error=" + e);
            }
        }
    }

    /**
     * @return the operation of that name (a {@link ControllerOperations} one when it has its prefix), or null when the
     *     tables have none (such calls are denied).
     */
    public static Operation find(final String name)
    {
        return name != null && name.startsWith(ControllerOperations.PREFIX) ? ControllerOperations.find(name) :
            TABLE.get(name);
    }

    /**
     * @param contract the SPI interface a method belongs to.
     * @param method   the method's name.
     * @return the name of its operation in these tables (the controller's are prefixed).
     */
    public static String operationOf(final Class<?> contract, final String method)
    {
        return contract == io.rocklet.api.spi.ControllerService.class ? ControllerOperations.operation(method) :
            method;
    }

    /**
     * @return every operation of the broker and router contracts, by name (the controller's: see
     *     {@link ControllerOperations#all()}).
     */
    public static Map<String, Operation> all()
    {
        return Map.copyOf(TABLE);
    }

    private static void open(final String name)
    {
        add(new Operation(name, Scope.OPEN, List.of(), a -> List.of()));
    }

    private static void policy(final String name, final Function<Object[], List<Resource>> resources,
        final Action... actions)
    {
        add(new Operation(name, Scope.POLICY, List.of(actions), resources));
    }

    private static void add(final Operation operation)
    {
        if (TABLE.putIfAbsent(operation.name(), operation) != null)
        {
            throw new IllegalStateException("operation listed twice: operation=" + operation.name());
        }
    }

    private static Function<Object[], List<Resource>> topic(final Function<Object[], String> name)
    {
        return a -> List.of(Resource.topic(name.apply(a)));
    }

    private static Function<Object[], List<Resource>> group(final Function<Object[], String> name)
    {
        return a -> List.of(Resource.group(name.apply(a)));
    }
}
