package io.rocklet.transport.grpc;

import io.rocklet.api.ErrorCode;
import io.rocklet.api.RockletException;
import io.rocklet.api.spi.BrokerService;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A {@link BrokerService} whose methods answer as the test says ({@link #on}); every other method fails with
 * INTERNAL_ERROR naming it.
 */
final class FakeBroker
{
    private final Map<String, Function<Object[], Object>> answers = new HashMap<>();

    static FakeBroker create()
    {
        return new FakeBroker();
    }

    /**
     * @param method the SPI method's name.
     * @param answer gets the call's arguments, returns what the method returns.
     */
    FakeBroker on(final String method, final Function<Object[], Object> answer)
    {
        answers.put(method, answer);
        return this;
    }

    BrokerService build()
    {
        final Map<String, Function<Object[], Object>> fixed = Map.copyOf(answers);
        return (BrokerService) Proxy.newProxyInstance(BrokerService.class.getClassLoader(),
            new Class<?>[] {BrokerService.class}, (proxy, method, args) -> answer(fixed, proxy, method, args));
    }

    private static Object answer(final Map<String, Function<Object[], Object>> answers, final Object proxy,
        final Method method, final Object[] args)
    {
        switch (method.getName())
        {
            case "toString":
                return "FakeBroker";
            case "hashCode":
                return System.identityHashCode(proxy);
            case "equals":
                return proxy == args[0];
            default:
                break;
        }
        final Function<Object[], Object> answer = answers.get(method.getName());
        if (answer != null)
        {
            return answer.apply(args == null ? new Object[0] : args);
        }
        final RockletException missing = new RockletException(ErrorCode.INTERNAL_ERROR, "not faked: method=" +
            method.getName());
        if (method.getReturnType() == CompletableFuture.class)
        {
            return CompletableFuture.failedFuture(missing);
        }
        throw missing;
    }
}
