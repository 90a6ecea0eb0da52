package io.rocklet.server;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns SIGTERM and SIGINT into a stop request, so that a standalone server shuts down on its own thread and exits
 * with status 0. The JVM's default handling of these signals runs the shutdown hooks and then exits with status
 * 128 + signal (143 for SIGTERM), which service managers report as a failure even after a clean shutdown.
 * <p>
 * Uses {@code sun.misc.Signal} of the {@code jdk.unsupported} module (exported to every module), through reflection
 * because javac warns about every direct use of it without a way to silence the warning. Where it is missing,
 * {@link #install} returns false and the JVM's default handling stays (the server's shutdown hook still closes it).
 */
final class StopSignals
{
    private static final List<String> SIGNALS = List.of("TERM", "INT");

    private StopSignals()
    {
    }

    /**
     * Installs the handler for SIGTERM and SIGINT.
     *
     * @param onSignal called with the signal's name ({@code TERM}, {@code INT}) on the JVM's signal thread; it must
     *                 return quickly.
     * @return whether the signals are handled.
     */
    static boolean install(final Consumer<String> onSignal)
    {
        try
        {
            final Class<?> signalType = Class.forName("sun.misc.Signal");
            final Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            final Method getName = signalType.getMethod("getName");
            final Object handler = Proxy.newProxyInstance(StopSignals.class.getClassLoader(),
                new Class<?>[] {handlerType}, (proxy, method, args) ->
                {
                    switch (method.getName())
                    {
                        case "handle" ->
                        {
                            onSignal.accept((String)getName.invoke(args[0]));
                            return null;
                        }
                        case "equals" ->
                        {
                            return proxy == args[0];
                        }
                        case "hashCode" ->
                        {
                            return System.identityHashCode(proxy);
                        }
                        default ->
                        {
                            return "StopSignals" + SIGNALS;
                        }
                    }
                });
            final Method handle = signalType.getMethod("handle", signalType, handlerType);
            for (final String name : SIGNALS)
            {
                handle.invoke(null, signalType.getConstructor(String.class).newInstance(name), handler);
            }
            return true;
        }
        catch (final ClassNotFoundException | NoSuchMethodException | IllegalAccessException |
            InstantiationException | InvocationTargetException e)
        {
            return false;
        }
    }
}
