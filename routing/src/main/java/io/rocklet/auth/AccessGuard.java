package io.rocklet.auth;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.auth.AccessControl;
import io.rocklet.api.auth.Caller;
import io.rocklet.api.auth.CurrentCaller;
import io.rocklet.api.auth.Operations;
import io.rocklet.api.auth.Signer;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Views of a served broker or router that check every call with an {@link AccessControl} before the service sees it:
 * the transports' choke point. The operation is the SPI method's name ({@link Operations#operationOf}: prefixed for the
 * controller's contract), looked up in {@link Operations}; a refused call throws (the transports turn that into a
 * failed future or an error status). While the service runs the call's synchronous part, {@link CurrentCaller} names the caller (the
 * audit line of a change of users or policies). {@code Object}'s methods pass unchecked. Thread-safe when the service is.
 */
public final class AccessGuard
{
    private static final Object[] NO_ARGUMENTS = new Object[0];

    private AccessGuard()
    {
    }

    /**
     * For transports that authenticate a call before it reaches the service (gRPC: a server interceptor).
     *
     * @param caller the caller of the call running on the current thread (null: unauthenticated, refused).
     */
    public static <S> S authorizing(final Class<S> type, final S service, final AccessControl access,
        final Supplier<Caller> caller)
    {
        return view(type, service, access, operation -> caller.get());
    }

    /**
     * For in-JVM calls: each call is signed by {@code signer} (null: a caller without credentials) and checked
     * exactly as a call arriving over the network, from {@code source}.
     */
    public static <S> S signing(final Class<S> type, final S service, final AccessControl access,
        final Signer signer, final String source)
    {
        return view(type, service, access, operation ->
            access.authenticate(signer == null ? null : signer.sign(operation), operation, source, null));
    }

    private static <S> S view(final Class<S> type, final S service, final AccessControl access,
        final Function<String, Caller> authenticate)
    {
        final InvocationHandler handler = (proxy, method, arguments) ->
        {
            if (method.getDeclaringClass() == Object.class)
            {
                return invoke(service, method, arguments);
            }
            final String operation = Operations.operationOf(type, method.getName());
            final Caller caller = authenticate.apply(operation);
            if (caller == null)
            {
                throw new RockletException(ErrorCode.UNAUTHENTICATED, "unauthenticated: reason=no caller for " +
                    "the call, operation=" + operation);
            }
            access.authorize(caller, operation, arguments == null ? NO_ARGUMENTS : arguments);
            return CurrentCaller.callAs(caller, () -> invokeUnchecked(service, method, arguments));
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    private static Object invokeUnchecked(final Object service, final Method method, final Object[] arguments)
    {
        try
        {
            return invoke(service, method, arguments);
        }
        catch (final RuntimeException | Error e)
        {
            throw e;
        }
        catch (final Throwable e)
        {
            throw new RockletException(ErrorCode.INTERNAL_ERROR, "service call failed: operation=" +
                method.getName() + ", error=" + e, e);
        }
    }

    private static Object invoke(final Object service, final Method method, final Object[] arguments)
        throws Throwable
    {
        try
        {
            return method.invoke(service, arguments);
        }
        catch (final InvocationTargetException e)
        {
            throw e.getCause();
        }
    }
}
