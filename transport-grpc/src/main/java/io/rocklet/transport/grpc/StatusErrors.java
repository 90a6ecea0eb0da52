package io.rocklet.transport.grpc;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.rocklet.api.ClosedException;
import io.rocklet.api.ErrorCode;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.NotLeaderException;
import io.rocklet.api.RockletException;
import io.rocklet.api.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * A {@link RockletException} on the wire: the server closes the call with a gRPC status whose description is the
 * exception's message and whose trailers carry the {@link ErrorCode} ({@value #ERROR_CODE_KEY}); the client rebuilds
 * an exception with the same code and message, so callers see what they would see over the local transport.
 * Failures of the connection itself (no Rocklet code in the trailers) become BROKER_UNAVAILABLE (retriable),
 * TIMEOUT, MESSAGE_TOO_LARGE or INTERNAL_ERROR. Stateless.
 */
final class StatusErrors
{
    /** Trailer that carries the {@link ErrorCode} name. */
    static final String ERROR_CODE_KEY = "rocklet-error-code";
    static final Metadata.Key<String> ERROR_CODE = Metadata.Key.of(ERROR_CODE_KEY, Metadata.ASCII_STRING_MARSHALLER);
    /** Trailer of a NOT_LEADER failure that carries the controller leader's address ({@link NotLeaderException}). */
    static final Metadata.Key<String> LEADER_ADDRESS = Metadata.Key.of("rocklet-leader-address",
        Metadata.ASCII_STRING_MARSHALLER);
    private static final Logger LOG = LoggerFactory.getLogger(StatusErrors.class);

    private StatusErrors()
    {
    }

    /**
     * Server side: the status a failed call closes with.
     *
     * @param method the full method name, for the message of an unexpected failure.
     */
    static StatusRuntimeException toStatus(final Throwable error, final String method)
    {
        final Throwable cause = unwrap(error);
        if (cause instanceof StatusRuntimeException status)
        {
            return status;
        }
        if (cause instanceof StatusException status)
        {
            return new StatusRuntimeException(status.getStatus(), status.getTrailers());
        }
        if (cause instanceof NotLeaderException notLeader)
        {
            final StatusRuntimeException status = toStatus(notLeader.errorCode(), notLeader.getMessage());
            status.getTrailers().put(LEADER_ADDRESS, notLeader.leaderAddress());
            return status;
        }
        if (cause instanceof RockletException rocklet)
        {
            return toStatus(rocklet.errorCode(), rocklet.getMessage());
        }
        LOG.warn("served call failed unexpectedly: method={}, error={}", method, cause.toString(), cause);
        return toStatus(ErrorCode.INTERNAL_ERROR, "call failed: method=" + method + ", error=" + cause);
    }

    /**
     * @return a status with the gRPC code matching {@code code}, {@code message} as description and the code in the
     *     trailers.
     */
    static StatusRuntimeException toStatus(final ErrorCode code, final String message)
    {
        final Metadata trailers = new Metadata();
        trailers.put(ERROR_CODE, code.name());
        return grpcStatus(code).withDescription(message).asRuntimeException(trailers);
    }

    /**
     * Client side: the exception a failed call completes its future with.
     *
     * @param address where the call went.
     * @param method  the full method name.
     */
    static RockletException toRockletException(final Status status, final Metadata trailers, final String address,
        final String method)
    {
        final String name = trailers == null ? null : trailers.get(ERROR_CODE);
        final String description = status.getDescription();
        if (name != null)
        {
            final ErrorCode code = errorCode(name);
            if (code == null)
            {
                return new RockletException(ErrorCode.INTERNAL_ERROR, "peer failed with an unknown error code: code=" +
                    name + ", address=" + address + ", method=" + method + ", message=" + description);
            }
            final String message = description == null ? code.name() : description;
            if (code == ErrorCode.NOT_LEADER)
            {
                return new NotLeaderException(message, trailers.get(LEADER_ADDRESS));
            }
            return rebuild(code, message);
        }
        final String context = "address=" + address + ", method=" + method + ", status=" + status.getCode() +
            ", description=" + description + (status.getCause() == null ? "" : ", cause=" + status.getCause());
        return switch (status.getCode())
        {
            case UNAVAILABLE -> new RockletException(ErrorCode.BROKER_UNAVAILABLE, "peer unavailable: " + context,
                status.getCause());
            case CANCELLED -> status.getCause() == null ?
                new RockletException(ErrorCode.BROKER_UNAVAILABLE, "call cut off: " + context) :
                new RockletException(ErrorCode.INTERNAL_ERROR, "call failed on the client: " + context,
                    status.getCause());
            case DEADLINE_EXCEEDED -> new RockletException(ErrorCode.TIMEOUT, "call timed out: " + context);
            case RESOURCE_EXHAUSTED -> new InvalidArgumentException(ErrorCode.MESSAGE_TOO_LARGE,
                "message too large for the transport: " + context);
            case UNIMPLEMENTED -> new RockletException(ErrorCode.INTERNAL_ERROR, "peer does not know the method " +
                "(another version?): " + context);
            default -> new RockletException(ErrorCode.INTERNAL_ERROR, "call failed: " + context, status.getCause());
        };
    }

    /**
     * Client side, for a throwable from gRPC.
     */
    static RockletException toRockletException(final Throwable error, final String address, final String method)
    {
        final Throwable cause = unwrap(error);
        if (cause instanceof RockletException rocklet)
        {
            return rocklet;
        }
        return toRockletException(Status.fromThrowable(cause), Status.trailersFromThrowable(cause), address, method);
    }

    /**
     * @return true when a request with this code will fail the same way if sent again.
     */
    static boolean rejectsRequest(final ErrorCode code)
    {
        return switch (code)
        {
            case INVALID_ARGUMENT, ILLEGAL_TOPIC, MESSAGE_TOO_LARGE, PROPERTIES_TOO_LARGE -> true;
            default -> false;
        };
    }

    /**
     * @return the gRPC code for a Rocklet code (what a non-Rocklet client sees; Rocklet clients read the trailer).
     */
    static Status grpcStatus(final ErrorCode code)
    {
        return switch (code)
        {
            case INVALID_ARGUMENT, ILLEGAL_TOPIC, MESSAGE_TOO_LARGE, PROPERTIES_TOO_LARGE -> Status.INVALID_ARGUMENT;
            case CLOSED, STORE_FENCED, DIRECTORY_LOCKED, ENVIRONMENT -> Status.FAILED_PRECONDITION;
            case DISK_FULL, BUSY -> Status.RESOURCE_EXHAUSTED;
            case FLUSH_TIMEOUT, TIMEOUT -> Status.DEADLINE_EXCEEDED;
            case NO_ROUTE, BROKER_UNAVAILABLE, NOT_LEADER, NO_QUORUM -> Status.UNAVAILABLE;
            case STALE_EPOCH -> Status.FAILED_PRECONDITION;
            case REPLICA_SET_NOT_FOUND -> Status.NOT_FOUND;
            case TOPIC_NOT_FOUND, GROUP_NOT_FOUND -> Status.NOT_FOUND;
            case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
            case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
            // codes added later travel in the trailer all the same
            default -> Status.INTERNAL;
        };
    }

    private static RockletException rebuild(final ErrorCode code, final String message)
    {
        return switch (code)
        {
            case INVALID_ARGUMENT, ILLEGAL_TOPIC, MESSAGE_TOO_LARGE, PROPERTIES_TOO_LARGE ->
                new InvalidArgumentException(code, message);
            case CLOSED -> new ClosedException(message);
            case STORE_FENCED, DISK_FULL, DIRECTORY_LOCKED, FLUSH_TIMEOUT, IO_ERROR ->
                new StorageException(code, message);
            default -> new RockletException(code, message);
        };
    }

    private static ErrorCode errorCode(final String name)
    {
        try
        {
            return ErrorCode.valueOf(name);
        }
        catch (final IllegalArgumentException e)
        {
            return null;
        }
    }

    private static Throwable unwrap(final Throwable error)
    {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) &&
            cause.getCause() != null)
        {
            cause = cause.getCause();
        }
        return cause;
    }
}
