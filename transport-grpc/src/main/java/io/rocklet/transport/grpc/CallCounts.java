package io.rocklet.transport.grpc;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many calls of each rpc a transport's servers started, and how many are still open: one counter update when a
 * call starts and one when it ends, nothing per message. For diagnostics and for tests that check which path a
 * consumer took (unary {@code Pull}s or {@code Subscribe} streams). Thread-safe.
 */
final class CallCounts implements ServerInterceptor
{
    /** Most rpc names counted apart (unknown methods must not grow the map without bound); the rest share one. */
    private static final int MAX_NAMES = 128;
    private static final String OTHER = "(other)";

    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

    /** The counts of one rpc. */
    private static final class Counter
    {
        final LongAdder started = new LongAdder();
        final AtomicLong open = new AtomicLong();
    }

    @Override
    public <P, R> ServerCall.Listener<P> interceptCall(final ServerCall<P, R> call, final Metadata headers,
        final ServerCallHandler<P, R> next)
    {
        final Counter counter = counter(call.getMethodDescriptor().getBareMethodName());
        counter.started.increment();
        counter.open.incrementAndGet();
        final ServerCall.Listener<P> listener;
        try
        {
            listener = next.startCall(call, headers);
        }
        catch (final RuntimeException e)
        {
            counter.open.decrementAndGet();
            throw e;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener)
        {
            @Override
            public void onComplete()
            {
                counter.open.decrementAndGet();
                super.onComplete();
            }

            @Override
            public void onCancel()
            {
                counter.open.decrementAndGet();
                super.onCancel();
            }
        };
    }

    /**
     * @param rpc the bare method name, e.g. {@code Pull}.
     * @return calls of it started so far.
     */
    long started(final String rpc)
    {
        return counter(rpc).started.sum();
    }

    /**
     * @param rpc the bare method name, e.g. {@code Subscribe}.
     * @return calls of it started and not yet ended.
     */
    long open(final String rpc)
    {
        return counter(rpc).open.get();
    }

    private Counter counter(final String rpc)
    {
        final String name = rpc == null ? OTHER : rpc;
        final Counter known = counters.get(name);
        if (known != null)
        {
            return known;
        }
        return counters.computeIfAbsent(counters.size() < MAX_NAMES ? name : OTHER, n -> new Counter());
    }
}
