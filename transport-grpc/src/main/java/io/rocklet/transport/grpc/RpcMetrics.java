package io.rocklet.transport.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.rocklet.api.metrics.MetricNames.*;

/**
 * A server's RPC meters ({@link io.rocklet.api.metrics.MetricNames#RPC_LATENCY} per service, method and status code,
 * {@link io.rocklet.api.metrics.MetricNames#RPC_ERRORS} for calls closed with a status other than OK) and its open
 * connections gauge. The meters of a (method, code) pair are created at its first call and then looked up in a map
 * and an array by code: a call costs one wrapper of its {@link ServerCall}, no tag building. Made by
 * {@link ServerEndpoint} only when {@link GrpcTransportConfig#meterRegistry()} is set: the transport's only class
 * that touches Micrometer. Thread-safe.
 */
final class RpcMetrics implements ServerInterceptor, AutoCloseable
{
    private static final Status.Code[] CODES = Status.Code.values();

    private final MeterRegistry registry;
    /** The server's address: the requested one until {@link #bound} names the bound port. */
    private volatile Tags common;
    /** Full method name to its meters, by status code. */
    private final Map<String, MethodMeters> methods = new ConcurrentHashMap<>();
    private final List<Meter> meters = new CopyOnWriteArrayList<>();

    private RpcMetrics(final MeterRegistry registry, final Tags common)
    {
        this.registry = registry;
        this.common = common;
    }

    /**
     * @param registry the {@code MeterRegistry} of {@link GrpcTransportConfig#meterRegistry()}.
     * @param address  the server's requested address (a tag: several servers may share a registry).
     */
    static RpcMetrics create(final Object registry, final String address)
    {
        return new RpcMetrics((MeterRegistry)registry, Tags.of(TAG_ADDRESS, address));
    }

    /**
     * The server is listening: its address (with the port bound) tags the meters from now on.
     *
     * @param address         the bound address.
     * @param openConnections the server's open connections.
     */
    void bound(final String address, final AtomicInteger openConnections)
    {
        common = Tags.of(TAG_ADDRESS, address);
        meters.add(Gauge.builder(CONNECTIONS, openConnections, AtomicInteger::get).tags(common)
            .description("connections the server holds open").strongReference(true).register(registry));
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(final ServerCall<Q, A> call, final Metadata headers,
        final ServerCallHandler<Q, A> next)
    {
        final String method = call.getMethodDescriptor().getFullMethodName();
        MethodMeters byCode = methods.get(method);
        if (byCode == null)
        {
            byCode = methods.computeIfAbsent(method, name -> new MethodMeters(call.getMethodDescriptor()
                .getServiceName(), call.getMethodDescriptor().getBareMethodName()));
        }
        return next.startCall(new TimedCall<>(call, byCode, System.nanoTime()), headers);
    }

    @Override
    public void close()
    {
        meters.forEach(registry::remove);
        meters.clear();
    }

    /**
     * The meters of one method and status code (no error counter for OK); final fields, so a racy read of the array
     * sees them whole.
     */
    private record CodeMeters(Timer latency, Counter errors)
    {
    }

    /** One method's timers and error counters, by status code, created at the code's first call. */
    private final class MethodMeters
    {
        private final Tags tags;
        private final CodeMeters[] byCode = new CodeMeters[CODES.length];

        MethodMeters(final String service, final String method)
        {
            this.tags = Tags.of(TAG_SERVICE, service == null ? "" : service, TAG_METHOD, method == null ? "" : method);
        }

        void record(final Status.Code code, final long nanos)
        {
            CodeMeters meters = byCode[code.ordinal()];
            if (meters == null)
            {
                meters = create(code);
            }
            meters.latency().record(nanos, TimeUnit.NANOSECONDS);
            if (code != Status.Code.OK)
            {
                meters.errors().increment();
            }
        }

        private synchronized CodeMeters create(final Status.Code code)
        {
            CodeMeters created = byCode[code.ordinal()];
            if (created == null)
            {
                final Tags withCode = tags.and(TAG_RESPONSE_CODE, code.name());
                created = new CodeMeters(Timer.builder(RPC_LATENCY).description("server-side time of a call, start " +
                    "to close").tags(common).tags(withCode).register(registry), code == Status.Code.OK ? null :
                    Counter.builder(RPC_ERRORS).description("calls closed with a status other than OK").tags(common)
                    .tags(withCode).register(registry));
                meters.add(created.latency());
                if (created.errors() != null)
                {
                    meters.add(created.errors());
                }
                byCode[code.ordinal()] = created;
            }
            return created;
        }
    }

    /** A call that records its time and status when it closes. */
    private static final class TimedCall<Q, A> extends SimpleForwardingServerCall<Q, A>
    {
        private final MethodMeters meters;
        private final long startNs;

        TimedCall(final ServerCall<Q, A> call, final MethodMeters meters, final long startNs)
        {
            super(call);
            this.meters = meters;
            this.startNs = startNs;
        }

        @Override
        public void close(final Status status, final Metadata trailers)
        {
            meters.record(status.getCode(), System.nanoTime() - startNs);
            super.close(status, trailers);
        }
    }
}
