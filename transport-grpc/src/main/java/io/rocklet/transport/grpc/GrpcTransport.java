package io.rocklet.transport.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.rocklet.api.ClosedException;
import io.rocklet.api.InvalidArgumentException;
import io.rocklet.api.RockletException;
import io.rocklet.api.auth.AccessControl;
import io.rocklet.api.auth.Signer;
import io.rocklet.api.spi.Binding;
import io.rocklet.api.spi.BrokerService;
import io.rocklet.api.spi.ControllerService;
import io.rocklet.api.spi.RouterService;
import io.rocklet.api.spi.Transport;
import io.rocklet.auth.AccessGuard;
import io.rocklet.transport.grpc.proto.BrokerGrpc;
import io.rocklet.transport.grpc.proto.RouterGrpc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gRPC transport: routers and brokers are served by gRPC servers at addresses {@code grpc://<host>:<port>}, and
 * reached through stubs that carry every SPI call as one rpc of the {@code rocklet.v1.Router},
 * {@code rocklet.v1.Broker} and {@code rocklet.v1.Controller} services (see {@code src/main/proto}). The same router, broker and client code runs over
 * it as over the local transport:
 *
 * <pre>{@code
 * GrpcTransport transport = GrpcTransport.create(GrpcTransportConfig.builder().tls(tls).build());
 * GrpcBinding endpoint = transport.listen("grpc://10.0.0.4:0");         // bind first: learn the port
 * Router router = Router.start(RouterConfig.builder(endpoint.address()).build(), transport);
 * RockletClient client = RockletClients.create(ClientConfig.builder().routers(endpoint.address()).build(),
 *     transport);
 * }</pre>
 *
 * <p>Servers: {@link #serve} binds a service at an address, on the server {@link #listen} started there, or on a new
 * server owned by the binding (closing the binding stops it). A router, a broker and a controller may share one address. Clients:
 * one channel per peer address, shared by its stubs, with deadlines, a bound on calls in flight (BUSY beyond it),
 * reconnection with back-off, and fast BROKER_UNAVAILABLE failures while a peer is down. Security: TLS (optionally
 * mutual) or, when chosen explicitly, plaintext. Access control: a service served with an enabled
 * {@link AccessControl} gets an {@link AuthInterceptor} (authenticates each call from its signed header or its client
 * certificate) and is called through an authorizing view ({@link AccessGuard}); stubs made with credentials sign each
 * call (one channel per peer address and credentials). Threads: see {@link TransportThreads}. Thread-safe.
 */
public final class GrpcTransport implements Transport
{
    /** Addresses of this transport start with this scheme. */
    public static final String SCHEME = GrpcAddress.SCHEME;
    private static final Logger LOG = LoggerFactory.getLogger(GrpcTransport.class);

    private final GrpcTransportConfig config;
    private final TransportThreads threads;
    private final CallCounts callCounts = new CallCounts();
    private final ChannelCredentials channelCredentials;
    private final ConcurrentHashMap<PeerKey, PeerChannel> peers = new ConcurrentHashMap<>();
    private final Map<GrpcAddress, ServerEndpoint> endpoints = new HashMap<>();
    private ServerCredentials serverCredentials;
    private volatile boolean closed;

    private GrpcTransport(final GrpcTransportConfig config)
    {
        this.config = config;
        this.channelCredentials = Credentials.channel(config);
        this.threads = new TransportThreads(config.ioThreads(), config.executorThreads());
    }

    /**
     * @return this transport's threads (tests hold its executor to show which work does not need it).
     */
    TransportThreads threads()
    {
        return threads;
    }

    /**
     * @param config validated settings; see {@link GrpcTransportConfig#builder()}.
     * @return a transport with its threads started and no server yet.
     */
    public static GrpcTransport create(final GrpcTransportConfig config)
    {
        if (config == null)
        {
            throw new InvalidArgumentException("cannot create grpc transport: config=null");
        }
        return new GrpcTransport(config);
    }

    /**
     * @return the settings this transport runs with.
     */
    public GrpcTransportConfig config()
    {
        return config;
    }

    /**
     * @param rpc an rpc's bare name, e.g. {@code Pull} or {@code Subscribe}.
     * @return how many calls of it this transport's servers started (diagnostics, tests).
     */
    long callsStarted(final String rpc)
    {
        return callCounts.started(rpc);
    }

    /**
     * @param rpc an rpc's bare name, e.g. {@code Subscribe}.
     * @return how many calls of it this transport's servers are serving now.
     */
    long callsOpen(final String rpc)
    {
        return callCounts.open(rpc);
    }

    /**
     * @return connections this transport's servers hold open (diagnostics, tests).
     */
    synchronized int connectionsOpen()
    {
        return endpoints.values().stream().mapToInt(ServerEndpoint::openConnections).sum();
    }

    @Override
    public RouterService router(final String address)
    {
        return router(address, null);
    }

    @Override
    public BrokerService broker(final String address)
    {
        return broker(address, null);
    }

    @Override
    public RouterService router(final String address, final io.rocklet.api.auth.Credentials credentials)
    {
        return new GrpcRouterStub(peer(address, credentials), config.callTimeout().toMillis());
    }

    @Override
    public BrokerService broker(final String address, final io.rocklet.api.auth.Credentials credentials)
    {
        return new GrpcBrokerStub(peer(address, credentials), config);
    }

    @Override
    public ControllerService controller(final String address)
    {
        return controller(address, null);
    }

    @Override
    public ControllerService controller(final String address, final io.rocklet.api.auth.Credentials credentials)
    {
        return new GrpcControllerStub(peer(address, credentials), config.callTimeout().toMillis());
    }

    /**
     * Starts a server at {@code address} with no service yet; {@link #serve} at the returned binding's address adds
     * services to it. Port 0 binds any free port: the binding's address names it. Closing the binding stops the
     * server and every service on it.
     *
     * @throws RockletException IO_ERROR when the address cannot be bound; INVALID_ARGUMENT for a malformed address
     *                          or a TLS transport without a server certificate.
     */
    public synchronized GrpcBinding listen(final String address)
    {
        final ServerEndpoint endpoint = start(GrpcAddress.parse(address));
        return new GrpcBinding(endpoint.address(), () -> stop(endpoint), endpoint::serving);
    }

    @Override
    public GrpcBinding serve(final String address, final RouterService service)
    {
        return serve(address, service, AccessControl.OPEN);
    }

    @Override
    public GrpcBinding serve(final String address, final BrokerService service)
    {
        return serve(address, service, AccessControl.OPEN);
    }

    @Override
    public GrpcBinding serve(final String address, final RouterService service, final AccessControl access)
    {
        if (service == null)
        {
            throw new InvalidArgumentException("cannot serve null: kind=router, address=" + address);
        }
        final RouterService calls = guarded(RouterService.class, service, access);
        return bind(address, "router", endpoint -> endpoint.bind("router",
            intercepted(RouterHandlers.definition(calls, service), access), () -> { }));
    }

    @Override
    public GrpcBinding serve(final String address, final BrokerService service, final AccessControl access)
    {
        if (service == null)
        {
            throw new InvalidArgumentException("cannot serve null: kind=broker, address=" + address);
        }
        final BrokerService calls = guarded(BrokerService.class, service, access);
        return bind(address, "broker", endpoint ->
        {
            final BrokerHandlers handlers = new BrokerHandlers(calls, endpoint.address().toString(), threads);
            return endpoint.bind("broker", intercepted(handlers.definition(), access), handlers::closeStreams);
        });
    }

    @Override
    public GrpcBinding serve(final String address, final ControllerService service)
    {
        return serve(address, service, AccessControl.OPEN);
    }

    @Override
    public GrpcBinding serve(final String address, final ControllerService service, final AccessControl access)
    {
        if (service == null)
        {
            throw new InvalidArgumentException("cannot serve null: kind=controller, address=" + address);
        }
        final ControllerService calls = guarded(ControllerService.class, service, access);
        return bind(address, "controller", endpoint -> endpoint.bind("controller",
            intercepted(ControllerHandlers.definition(calls), access), () -> { }));
    }

    /**
     * Stops every server (calls in progress get {@link GrpcTransportConfig#shutdownTimeout()} to finish), closes every
     * channel (calls in flight fail with BROKER_UNAVAILABLE) and the threads. Idempotent.
     */
    @Override
    public void close()
    {
        final List<ServerEndpoint> servers;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            servers = new ArrayList<>(endpoints.values());
            endpoints.clear();
        }
        servers.forEach(ServerEndpoint::close);
        peers.values().forEach(PeerChannel::close);
        peers.clear();
        threads.close();
        LOG.info("grpc transport closed: servers={}", servers.size());
    }

    @Override
    public String toString()
    {
        return "GrpcTransport{tls=" + !config.plaintext() + ", peers=" + peers.keySet() + '}';
    }

    /** A channel's peer and the credentials its calls are signed with (null: unsigned). */
    private record PeerKey(GrpcAddress address, io.rocklet.api.auth.Credentials credentials)
    {
    }

    private static <S> S guarded(final Class<S> type, final S service, final AccessControl access)
    {
        return access == null || !access.enabled() ? service :
            AccessGuard.authorizing(type, service, access, AuthInterceptor::current);
    }

    private static ServerServiceDefinition intercepted(final ServerServiceDefinition definition,
        final AccessControl access)
    {
        return access == null || !access.enabled() ? definition :
            ServerInterceptors.intercept(definition, new AuthInterceptor(access));
    }

    /** Binds one service on an endpoint. */
    private interface Binder
    {
        GrpcBinding bind(ServerEndpoint endpoint);
    }

    private GrpcBinding bind(final String address, final String kind, final Binder binder)
    {
        final GrpcAddress requested = GrpcAddress.parse(address);
        final ServerEndpoint endpoint;
        final boolean owned;
        synchronized (this)
        {
            checkOpen(address);
            final ServerEndpoint listening = requested.port() == 0 ? null : endpoints.get(requested);
            owned = listening == null;
            endpoint = owned ? start(requested) : listening;
        }
        try
        {
            final GrpcBinding service = binder.bind(endpoint);
            if (!owned)
            {
                return service;
            }
            endpoint.serving(true); // a server of this service alone: ready once it is bound
            return new GrpcBinding(endpoint.address(), () ->
            {
                service.close();
                stop(endpoint);
            }, endpoint::serving);
        }
        catch (final RuntimeException e)
        {
            if (owned)
            {
                stop(endpoint);
            }
            throw e;
        }
    }

    private ServerEndpoint start(final GrpcAddress requested)
    {
        checkOpen(requested.toString());
        if (endpoints.containsKey(requested))
        {
            throw new InvalidArgumentException("address already listened on: address=" + requested);
        }
        if (serverCredentials == null)
        {
            serverCredentials = Credentials.server(config, requested.toString());
        }
        final ServerEndpoint endpoint = ServerEndpoint.start(requested, config, threads, serverCredentials, callCounts);
        endpoints.put(endpoint.address(), endpoint);
        return endpoint;
    }

    private void stop(final ServerEndpoint endpoint)
    {
        synchronized (this)
        {
            endpoints.remove(endpoint.address(), endpoint);
        }
        endpoint.close();
    }

    private PeerChannel peer(final String address, final io.rocklet.api.auth.Credentials credentials)
    {
        final GrpcAddress peer = GrpcAddress.parse(address);
        if (peer.port() == 0)
        {
            throw new InvalidArgumentException("cannot call port 0: address=" + address + "; use the bound address");
        }
        checkOpen(address);
        final PeerChannel channel = peers.computeIfAbsent(new PeerKey(peer, credentials), key -> new PeerChannel(peer,
            config, threads, channelCredentials, credentials == null ? null : new Signer(credentials)));
        if (closed)
        {
            channel.close();
            throw new ClosedException("grpc transport closed: address=" + address);
        }
        return channel;
    }

    private void checkOpen(final String address)
    {
        if (closed)
        {
            throw new ClosedException("grpc transport closed: address=" + address);
        }
    }
}
