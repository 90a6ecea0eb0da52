package io.rocklet.transport.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.rocklet.api.RockletException;
import io.rocklet.api.auth.AccessControl;
import io.rocklet.api.auth.Caller;
import io.rocklet.api.auth.SignedCall;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.Principal;

/**
 * The gRPC transport's choke point for a served broker or router with access control: authenticates every call
 * before its handler runs, from the {@value SignedCall#HEADER} header (signed over the rpc's full name) or, without
 * one, the verified TLS client certificate's subject (mutual TLS), and puts the {@link Caller} into the call's
 * {@link Context} ({@link #CALLER}), where the authorizing view of the service ({@code AccessGuard.authorizing})
 * reads it. A call that cannot be authenticated is closed with UNAUTHENTICATED (the Rocklet code in the trailer)
 * and never reaches the service. Thread-safe.
 */
final class AuthInterceptor implements ServerInterceptor
{
    /** The authenticated caller of the call being served. */
    static final Context.Key<Caller> CALLER = Context.key("rocklet-caller");
    static final Metadata.Key<String> HEADER = Metadata.Key.of(SignedCall.HEADER, Metadata.ASCII_STRING_MARSHALLER);

    private final AccessControl access;

    AuthInterceptor(final AccessControl access)
    {
        this.access = access;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(final ServerCall<Q, A> call, final Metadata headers,
        final ServerCallHandler<Q, A> next)
    {
        final String operation = call.getMethodDescriptor().getFullMethodName();
        final Caller caller;
        try
        {
            final String header = headers.get(HEADER);
            final SignedCall signed = header == null ? null : SignedCall.parse(header, operation);
            caller = access.authenticate(signed, operation, source(call), certificateSubject(call));
        }
        catch (final RockletException e)
        {
            final StatusRuntimeException status = StatusErrors.toStatus(e, operation);
            call.close(status.getStatus(), status.getTrailers() == null ? new Metadata() : status.getTrailers());
            return new ServerCall.Listener<>()
            {
            };
        }
        return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
    }

    /**
     * @return the caller of the call running on this thread (in its context), or null outside of one.
     */
    static Caller current()
    {
        return CALLER.get();
    }

    private static String source(final ServerCall<?, ?> call)
    {
        final SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        return remote instanceof InetSocketAddress inet && inet.getAddress() != null ?
            inet.getAddress().getHostAddress() : null;
    }

    private static String certificateSubject(final ServerCall<?, ?> call)
    {
        final SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null)
        {
            return null;
        }
        try
        {
            final Principal peer = session.getPeerPrincipal();
            return peer == null ? null : peer.getName();
        }
        catch (final SSLPeerUnverifiedException e)
        {
            return null; // no client certificate (TLS without client authentication)
        }
    }
}
