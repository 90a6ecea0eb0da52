package io.rocklet.api.auth;

import io.rocklet.api.auth.Operations.Operation;
import io.rocklet.api.auth.Operations.Scope;
import io.rocklet.api.spi.ControllerService;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The table of what every operation of {@link ControllerService} needs: the sibling of {@link Operations} for the
 * failover controllers' contract (its method names overlap the broker's: a controller {@code heartbeat} is not a
 * client's). Operation names carry the prefix {@value #PREFIX} ({@link #operation}); {@link Operations#find} finds
 * them too, so one access control checks both. A test checks that every method is listed.
 *
 * <table>
 *   <caption>Controller operations</caption>
 *   <tr><th>operation</th><th>who</th><th>resource</th></tr>
 *   <tr><td>registerReplica, heartbeat, alterSyncStateSet, electMaster</td><td>cluster members only</td>
 *       <td>cluster</td></tr>
 *   <tr><td>replicaSet</td><td>cluster members, and users whose policies allow Get (super users)</td>
 *       <td>cluster</td></tr>
 * </table>
 */
public final class ControllerOperations
{
    /** Prefix of the controller's operation names. */
    public static final String PREFIX = "controller.";

    private static final Map<String, Operation> TABLE = new HashMap<>();

    static
    {
        member("registerReplica");
        member("heartbeat");
        member("alterSyncStateSet");
        member("electMaster"); // a hand-over moves the master: as strong as a registration
        add(new Operation(PREFIX + "replicaSet", Scope.MEMBER_OR_POLICY, List.of(Action.GET),
            a -> List.of(Resource.CLUSTER)));
    }

    private ControllerOperations()
    {
    }

    /**
     * @param method a {@link ControllerService} method name.
     * @return its operation name ({@value #PREFIX} and the method name).
     */
    public static String operation(final String method)
    {
        return PREFIX + method;
    }

    /**
     * @return the operation of that (prefixed) name, or null when the table has none (such calls are denied).
     */
    public static Operation find(final String operation)
    {
        return TABLE.get(operation);
    }

    /**
     * @return every controller operation, by (prefixed) name.
     */
    public static Map<String, Operation> all()
    {
        return Map.copyOf(TABLE);
    }

    private static void member(final String method)
    {
        add(new Operation(PREFIX + method, Scope.MEMBER, List.of(Action.ADMIN), a -> List.of(Resource.CLUSTER)));
    }

    private static void add(final Operation operation)
    {
        if (TABLE.putIfAbsent(operation.name(), operation) != null)
        {
            throw new IllegalStateException("operation listed twice: operation=" + operation.name());
        }
    }
}
