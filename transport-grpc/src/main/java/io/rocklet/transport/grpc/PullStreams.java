package io.rocklet.transport.grpc;

import io.rocklet.api.ClosedException;
import io.rocklet.api.spi.BrokerService.PullRequest;
import io.rocklet.api.spi.BrokerService.PullResult;
import io.rocklet.transport.grpc.proto.BrokerGrpc;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pull streams of one broker stub: one {@link PullStream} per (group, topic, queue), made by the first long-poll
 * pull of that queue and forgotten once idle. Streams end with the transport: its {@link PeerChannel} closes them
 * (the pulls waiting on them fail with CLOSED) before it cuts the connection, and later pulls fail at once with
 * CLOSED as unary calls do.
 * Thread-safe.
 */
final class PullStreams
{
    private final PeerChannel peer;
    private final int prefetchBatches;
    private final long idleNanos;
    private final ConcurrentHashMap<Key, PullStream> streams = new ConcurrentHashMap<>();

    /** The queue a stream pulls, for one consumer group. */
    record Key(String group, String topic, int queueId)
    {
    }

    PullStreams(final PeerChannel peer, final GrpcTransportConfig config)
    {
        this.peer = peer;
        this.prefetchBatches = config.streamPrefetchBatches();
        this.idleNanos = config.streamIdleTimeout().toNanos();
    }

    /**
     * @param request a pull with a long-poll timeout.
     * @return its answer, from the queue's stream.
     */
    CompletableFuture<PullResult> pull(final PullRequest request)
    {
        final Key key = new Key(request.group(), request.topic(), request.queueId());
        while (true)
        {
            if (peer.closed())
            {
                return CompletableFuture.failedFuture(new ClosedException("grpc transport closed: address=" +
                    peer.address() + ", method=" + BrokerGrpc.getSubscribeMethod().getFullMethodName()));
            }
            final PullStream stream = streams.computeIfAbsent(key, this::open);
            final CompletableFuture<PullResult> answer = stream.pull(request);
            if (answer != null)
            {
                return answer;
            }
            forget(stream); // retired just now: the next turn makes a new one
        }
    }

    /**
     * @return the stream of the queue, or null when it has none.
     */
    PullStream stream(final String group, final String topic, final int queueId)
    {
        return streams.get(new Key(group, topic, queueId));
    }

    /**
     * @return how many streams are open or buffering.
     */
    int size()
    {
        return streams.size();
    }

    private PullStream open(final Key key)
    {
        final PullStream stream = new PullStream(peer, key, prefetchBatches, idleNanos, this::forget);
        peer.track(stream);
        return stream;
    }

    private void forget(final PullStream stream)
    {
        streams.remove(stream.key(), stream);
        peer.untrack(stream);
    }
}
