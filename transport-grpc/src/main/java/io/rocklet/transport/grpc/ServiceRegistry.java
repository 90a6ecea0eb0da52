package io.rocklet.transport.grpc;

import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.rocklet.api.ErrorCode;
import io.rocklet.transport.grpc.proto.BrokerGrpc;
import io.rocklet.transport.grpc.proto.RouterGrpc;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The services one server serves now; they come and go while the server runs (a broker closed and started again
 * at the same address). A call to a Rocklet service that is not served at the moment fails with a retriable
 * BROKER_UNAVAILABLE, as over the local transport; a call to a method no Rocklet service has gets gRPC's
 * UNIMPLEMENTED naming it. Thread-safe.
 */
final class ServiceRegistry extends HandlerRegistry
{
    private static final Set<String> ROCKLET_SERVICES = Set.of(RouterGrpc.SERVICE_NAME, BrokerGrpc.SERVICE_NAME);

    private final ConcurrentHashMap<String, ServerServiceDefinition> services = new ConcurrentHashMap<>();
    private volatile String address = "?";

    void address(final String boundAddress)
    {
        this.address = boundAddress;
    }

    /**
     * @return false when a service of that name is served already.
     */
    boolean add(final ServerServiceDefinition service)
    {
        return services.putIfAbsent(service.getServiceDescriptor().getName(), service) == null;
    }

    void remove(final ServerServiceDefinition service)
    {
        services.remove(service.getServiceDescriptor().getName(), service);
    }

    @Override
    public List<ServerServiceDefinition> getServices()
    {
        return List.copyOf(services.values());
    }

    @Override
    public ServerMethodDefinition<?, ?> lookupMethod(final String methodName, final String authority)
    {
        final String serviceName = MethodDescriptor.extractFullServiceName(methodName);
        if (serviceName == null)
        {
            return null;
        }
        final ServerServiceDefinition service = services.get(serviceName);
        if (service != null)
        {
            return service.getMethod(methodName);
        }
        return ROCKLET_SERVICES.contains(serviceName) ? notServed(methodName, serviceName) : null;
    }

    private ServerMethodDefinition<byte[], byte[]> notServed(final String methodName, final String serviceName)
    {
        final MethodDescriptor<byte[], byte[]> method = MethodDescriptor.newBuilder(Marshallers.FRAME,
            Marshallers.FRAME).setType(MethodDescriptor.MethodType.UNKNOWN).setFullMethodName(methodName).build();
        final StatusRuntimeException status = StatusErrors.toStatus(ErrorCode.BROKER_UNAVAILABLE,
            "nothing served at address: service=" + serviceName + ", address=" + address);
        return ServerMethodDefinition.create(method, (ServerCall<byte[], byte[]> call, Metadata headers) ->
        {
            call.close(status.getStatus(), status.getTrailers());
            return new ServerCall.Listener<>()
            {
            };
        });
    }
}
