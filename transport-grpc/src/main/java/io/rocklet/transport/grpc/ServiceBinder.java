package io.rocklet.transport.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Builds the server side of one gRPC service from a Rocklet service: each rpc is bound with one line that names the
 * generated method, the service call (request decoded) and the answer's encoder. Requests arrive as raw frames and
 * are parsed here, so a malformed frame is answered with INVALID_ARGUMENT naming the method; a failed future or a
 * throw becomes the status of {@link StatusErrors}. {@link #build()} refuses a service with an rpc left unbound.
 * Not thread-safe (used while building only); the handlers it builds are.
 */
final class ServiceBinder
{
    private static final Logger LOG = LoggerFactory.getLogger(ServiceBinder.class);

    private final ServiceDescriptor generated;
    private final ServerServiceDefinition.Builder builder;
    private final Set<String> bound = new HashSet<>();

    /**
     * @param generated the service as protoc generated it (its methods must all be bound).
     */
    ServiceBinder(final ServiceDescriptor generated)
    {
        this.generated = generated;
        this.builder = ServerServiceDefinition.builder(generated.getName());
    }

    /**
     * Binds a unary rpc.
     *
     * @param method the generated method.
     * @param call   decodes the request and calls the service.
     * @param encode encodes the service's answer.
     */
    <P extends MessageLite, R extends MessageLite, A> ServiceBinder unary(final MethodDescriptor<P, R> method,
        final Function<P, CompletableFuture<A>> call, final Function<A, R> encode)
    {
        final Parser<P> parser = Marshallers.requestParser(method);
        final String name = method.getFullMethodName();
        return bind(method, ServerCalls.asyncUnaryCall((byte[] frame, StreamObserver<R> observer) ->
        {
            final P request;
            try
            {
                request = Marshallers.parse(parser, frame);
            }
            catch (final InvalidProtocolBufferException e)
            {
                observer.onError(malformed(name, frame.length, e));
                return;
            }
            answer(name, invoke(call, request), encode, observer);
        }));
    }

    /**
     * Binds an rpc with a handler of its own (streaming calls).
     */
    <P, R> ServiceBinder bind(final MethodDescriptor<P, R> method, final ServerCallHandler<byte[], R> handler)
    {
        builder.addMethod(Marshallers.forServer(method), handler);
        bound.add(method.getFullMethodName());
        return this;
    }

    /**
     * @throws IllegalStateException when an rpc of the generated service has no handler.
     */
    ServerServiceDefinition build()
    {
        for (final MethodDescriptor<?, ?> method : generated.getMethods())
        {
            if (!bound.contains(method.getFullMethodName()))
            {
                throw new IllegalStateException("rpc without a handler: method=" + method.getFullMethodName());
            }
        }
        return builder.build();
    }

    /**
     * @return the status of a frame that is not a valid request.
     */
    static StatusRuntimeException malformed(final String method, final int frameBytes,
        final InvalidProtocolBufferException error)
    {
        return StatusErrors.toStatus(ErrorCode.INVALID_ARGUMENT, "malformed request: method=" + method +
            ", frameBytes=" + frameBytes + ", error=" + error.getMessage());
    }

    private static <P, A> CompletableFuture<A> invoke(final Function<P, CompletableFuture<A>> call, final P request)
    {
        try
        {
            final CompletableFuture<A> answer = call.apply(request);
            return answer != null ? answer : CompletableFuture.failedFuture(
                new RockletException(ErrorCode.INTERNAL_ERROR, "service returned no future"));
        }
        catch (final RuntimeException e)
        {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static <A, R> void answer(final String method, final CompletableFuture<A> answer,
        final Function<A, R> encode, final StreamObserver<R> observer)
    {
        answer.whenComplete((value, error) ->
        {
            try
            {
                if (error != null)
                {
                    observer.onError(StatusErrors.toStatus(error, method));
                    return;
                }
                final R response;
                try
                {
                    response = encode.apply(value);
                }
                catch (final RuntimeException e)
                {
                    observer.onError(StatusErrors.toStatus(e, method));
                    return;
                }
                observer.onNext(response);
                observer.onCompleted();
            }
            catch (final RuntimeException e)
            {
                // the call was cancelled meanwhile (deadline, client gone): nobody waits for the answer
                LOG.debug("answer not delivered: method={}, status={}", method, Status.fromThrowable(e));
            }
        });
    }
}
