package io.rocklet.transport.grpc;

import io.micrometer.core.instrument.MeterRegistry;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.Limits;

import java.time.Duration;

/**
 * Settings of a {@link GrpcTransport}, validated once by {@link Builder#build()}. Either {@link Builder#tls(TlsConfig)}
 * or {@link Builder#plaintext()} must be chosen: there is no silent plaintext default.
 *
 * @param tls                    TLS settings, or null when plaintext.
 * @param plaintext              true when plaintext was chosen explicitly.
 * @param callTimeout            deadline of every unary call (a pull's deadline adds its long-poll timeout); default 3 s.
 * @param maxInFlightRequests    most unanswered calls to one peer address for one purpose (sends, pulls, commits,
 *                               other); beyond it a call fails at once with a retriable BUSY (never queued); default
 *                               1024. Group watches do not count.
 * @param maxInboundMessageBytes largest message received, client and server side; default 4 MiB (the default largest
 *                               body, {@link Limits#DEFAULT_MAX_BODY_BYTES}) plus 1 MiB for headers and fields.
 * @param maxCallsPerConnection  most concurrent calls a server accepts on one connection (HTTP/2 streams); default 2048.
 * @param ioThreads              Netty event-loop threads shared by the transport's servers and channels; default 1.
 * @param executorThreads        threads that run service handlers and answer callbacks; default 4 (a SYNC-flush send
 *                               holds one while it waits for the disk).
 * @param keepAliveTime          idle time after which a client pings its server to detect a dead peer; default 30 s.
 * @param keepAliveTimeout       how long a ping may stay unanswered before the connection is dropped; default 10 s.
 * @param reconnectBackoffMin    first wait before reconnecting a failed connection or re-establishing a group watch;
 *                               default 100 ms; it doubles per failure.
 * @param reconnectBackoffMax    longest wait between reconnection attempts; default 5 s.
 * @param shutdownTimeout        how long closing a server waits for calls in progress before cutting them; default 1 s.
 * @param streamingPull          true (default): a pull with a long-poll timeout is served from a broker stream
 *                               ({@code Subscribe}) that pushes messages as they arrive, with flow-control credits;
 *                               false: every pull is one unary {@code Pull} call. Pulls without long poll are unary.
 * @param streamPrefetchBatches  how many pull batches (the opening pull's {@code maxCount}) a stream may deliver
 *                               ahead of the consumer's pulls: its credits, and the bound of its client buffer;
 *                               default 4.
 * @param streamIdleTimeout      a stream no pull has used for this long is closed (its buffer dropped); default 30 s.
 * @param inlineServerCalls      true: servers run service handlers on the event-loop thread that read the call instead
 *                               of handing each call to an executor thread (one thread wake-up less per call, about
 *                               twice the calls a second on two cores). Only for services that never block the
 *                               calling thread: a router, or a broker with ASYNC flush (a SYNC-flush send waits for
 *                               the disk, and would hold up every connection of that event loop); default false.
 * @param connectionIdleTimeout  a server closes a connection that has had no call in progress for this long (gRPC's
 *                               max connection idle; a GOAWAY, then the socket): idle sockets of clients gone quiet,
 *                               garbage connections; a connection with an open stream (group watch, {@code Subscribe})
 *                               is never idle. Default 120 s (RocketMQ's channel idle time); keep it above the
 *                               brokers' and clients' heartbeat interval (30 s), or their connections are cycled.
 * @param maxConnections         most connections one server holds open; a connection beyond it is closed as soon as it
 *                               is accepted (one rate-limited log line), connections already open go on; default
 *                               10,000.
 * @param meterRegistry          a Micrometer {@code MeterRegistry}: every server of the transport records each call's
 *                               latency and status ({@code rocklet.rpc.latency}, {@code rocklet.rpc.errors} per
 *                               service and method) and its open connections there; null (default): none, and no
 *                               Micrometer class is loaded. Typed {@code Object} so that this record never loads
 *                               Micrometer; set it with {@link Builder#meterRegistry}.
 */
public record GrpcTransportConfig(
    TlsConfig tls,
    boolean plaintext,
    Duration callTimeout,
    int maxInFlightRequests,
    int maxInboundMessageBytes,
    int maxCallsPerConnection,
    int ioThreads,
    int executorThreads,
    Duration keepAliveTime,
    Duration keepAliveTimeout,
    Duration reconnectBackoffMin,
    Duration reconnectBackoffMax,
    Duration shutdownTimeout,
    boolean streamingPull,
    int streamPrefetchBatches,
    Duration streamIdleTimeout,
    boolean inlineServerCalls,
    Duration connectionIdleTimeout,
    int maxConnections,
    Object meterRegistry)
{
    /** Default {@link #maxInboundMessageBytes()}: the largest body plus 1 MiB of headroom. */
    public static final int DEFAULT_MAX_INBOUND_MESSAGE_BYTES = Limits.DEFAULT_MAX_BODY_BYTES + 1024 * 1024;

    /**
     * @return a builder with the defaults; choose {@link Builder#tls(TlsConfig)} or {@link Builder#plaintext()}.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * Collects settings; {@link #build()} validates them.
     */
    public static final class Builder
    {
        private TlsConfig tls;
        private boolean plaintext;
        private Duration callTimeout = Duration.ofSeconds(3);
        private int maxInFlightRequests = 1024;
        private int maxInboundMessageBytes = DEFAULT_MAX_INBOUND_MESSAGE_BYTES;
        private int maxCallsPerConnection = 2048;
        private int ioThreads = 1;
        private int executorThreads = 4;
        private Duration keepAliveTime = Duration.ofSeconds(30);
        private Duration keepAliveTimeout = Duration.ofSeconds(10);
        private Duration reconnectBackoffMin = Duration.ofMillis(100);
        private Duration reconnectBackoffMax = Duration.ofSeconds(5);
        private Duration shutdownTimeout = Duration.ofSeconds(1);
        private boolean streamingPull = true;
        private int streamPrefetchBatches = 4;
        private Duration streamIdleTimeout = Duration.ofSeconds(30);
        private boolean inlineServerCalls;
        private Duration connectionIdleTimeout = Duration.ofSeconds(120);
        private int maxConnections = 10_000;
        private Object meterRegistry;

        private Builder()
        {
        }

        /**
         * @param tls certificates for serving and for verifying peers; see {@link TlsConfig}.
         */
        public Builder tls(final TlsConfig tls)
        {
            this.tls = tls;
            return this;
        }

        /**
         * Chooses unencrypted, unauthenticated connections (tests, a trusted network). Never the default.
         */
        public Builder plaintext()
        {
            this.plaintext = true;
            return this;
        }

        public Builder callTimeout(final Duration timeout)
        {
            this.callTimeout = timeout;
            return this;
        }

        public Builder maxInFlightRequests(final int requests)
        {
            this.maxInFlightRequests = requests;
            return this;
        }

        public Builder maxInboundMessageBytes(final int bytes)
        {
            this.maxInboundMessageBytes = bytes;
            return this;
        }

        public Builder maxCallsPerConnection(final int calls)
        {
            this.maxCallsPerConnection = calls;
            return this;
        }

        public Builder ioThreads(final int threads)
        {
            this.ioThreads = threads;
            return this;
        }

        public Builder executorThreads(final int threads)
        {
            this.executorThreads = threads;
            return this;
        }

        public Builder keepAlive(final Duration time, final Duration timeout)
        {
            this.keepAliveTime = time;
            this.keepAliveTimeout = timeout;
            return this;
        }

        public Builder reconnectBackoff(final Duration min, final Duration max)
        {
            this.reconnectBackoffMin = min;
            this.reconnectBackoffMax = max;
            return this;
        }

        public Builder shutdownTimeout(final Duration timeout)
        {
            this.shutdownTimeout = timeout;
            return this;
        }

        /**
         * @param streaming true to serve long-poll pulls from broker streams (the default), false for unary pulls.
         */
        public Builder streamingPull(final boolean streaming)
        {
            this.streamingPull = streaming;
            return this;
        }

        /**
         * @param batches pull batches a stream may deliver ahead of the consumer's pulls (its credits).
         */
        public Builder streamPrefetchBatches(final int batches)
        {
            this.streamPrefetchBatches = batches;
            return this;
        }

        public Builder streamIdleTimeout(final Duration timeout)
        {
            this.streamIdleTimeout = timeout;
            return this;
        }

        /**
         * Runs service handlers on the event loop (see {@link GrpcTransportConfig#inlineServerCalls()}): only for
         * services that never block the calling thread.
         */
        public Builder inlineServerCalls(final boolean inline)
        {
            this.inlineServerCalls = inline;
            return this;
        }

        /**
         * @param timeout a server closes a connection with no call in progress for this long.
         */
        public Builder connectionIdleTimeout(final Duration timeout)
        {
            this.connectionIdleTimeout = timeout;
            return this;
        }

        /**
         * @param connections most connections one server holds open; more are closed when accepted.
         */
        /**
         * @param registry where the servers' RPC meters go, or null for none (the default).
         */
        public Builder meterRegistry(final MeterRegistry registry)
        {
            this.meterRegistry = registry;
            return this;
        }

        public Builder maxConnections(final int connections)
        {
            this.maxConnections = connections;
            return this;
        }

        /**
         * @throws InvalidArgumentException naming the setting that is missing or out of range.
         */
        public GrpcTransportConfig build()
        {
            if (tls == null && !plaintext)
            {
                throw new InvalidArgumentException("grpc transport config: TLS settings missing: set tls(TlsConfig) " +
                    "with trustCertificates(caCertificates) and, to serve, keyCertChain(certificateChain, privateKey); " +
                    "or choose plaintext() explicitly");
            }
            if (tls != null && plaintext)
            {
                throw new InvalidArgumentException("grpc transport config: both tls(...) and plaintext() chosen; " +
                    "choose one");
            }
            positive(callTimeout, "callTimeout");
            positive(keepAliveTime, "keepAliveTime");
            positive(keepAliveTimeout, "keepAliveTimeout");
            positive(reconnectBackoffMin, "reconnectBackoffMin");
            positive(reconnectBackoffMax, "reconnectBackoffMax");
            positive(streamIdleTimeout, "streamIdleTimeout");
            positive(connectionIdleTimeout, "connectionIdleTimeout");
            if (shutdownTimeout == null || shutdownTimeout.isNegative())
            {
                throw new InvalidArgumentException("grpc transport config: shutdownTimeout=" + shutdownTimeout +
                    ", must be >= 0");
            }
            if (reconnectBackoffMax.compareTo(reconnectBackoffMin) < 0)
            {
                throw new InvalidArgumentException("grpc transport config: reconnectBackoffMax=" + reconnectBackoffMax +
                    " < reconnectBackoffMin=" + reconnectBackoffMin);
            }
            atLeast(maxInFlightRequests, 1, "maxInFlightRequests");
            atLeast(maxInboundMessageBytes, 1024, "maxInboundMessageBytes");
            atLeast(maxCallsPerConnection, 1, "maxCallsPerConnection");
            atLeast(ioThreads, 1, "ioThreads");
            atLeast(executorThreads, 1, "executorThreads");
            atLeast(streamPrefetchBatches, 1, "streamPrefetchBatches");
            atLeast(maxConnections, 1, "maxConnections");
            return new GrpcTransportConfig(tls, plaintext, callTimeout, maxInFlightRequests, maxInboundMessageBytes,
                maxCallsPerConnection, ioThreads, executorThreads, keepAliveTime, keepAliveTimeout, reconnectBackoffMin,
                reconnectBackoffMax, shutdownTimeout, streamingPull, streamPrefetchBatches, streamIdleTimeout,
                inlineServerCalls, connectionIdleTimeout, maxConnections, meterRegistry);
        }

        private static void positive(final Duration value, final String name)
        {
            if (value == null || value.isZero() || value.isNegative())
            {
                throw new InvalidArgumentException("grpc transport config: " + name + "=" + value + ", must be > 0");
            }
        }

        private static void atLeast(final int value, final int min, final String name)
        {
            if (value < min)
            {
                throw new InvalidArgumentException("grpc transport config: " + name + "=" + value + ", must be >= " +
                    min);
            }
        }
    }
}
