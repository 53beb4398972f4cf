package org.qdsr.lb;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.qdsr.control.message.ControlCodec;
import org.qdsr.control.message.ControlMessage;
import org.qdsr.http3.session.Http3ClientSession;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.lb.routing.Policy;
import org.qdsr.lb.routing.Router;
import org.qdsr.quic.connection.ClientOptions;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.endpoint.QuicClientEndpoint;
import org.qdsr.quic.sim.SimNetwork;
import org.qdsr.quic.sim.SimNode;
import org.qdsr.quic.tls.ClientTlsConfig;
import org.qdsr.quic.tls.ServerTlsContext;
import org.qdsr.rs.MessageSink;
import org.qdsr.rs.RealServerCore;
import org.qdsr.rs.content.SyntheticSource;

/**
 * A whole QDSR topology in memory on the virtual clock: a client, the load balancer on the VIP
 * and N real servers that send from the VIP's address. Control messages travel through the real
 * binary codec with a fixed one-way delay.
 */
final class Topology {
    static final InetSocketAddress VIP = new InetSocketAddress("198.18.0.10", 443);
    static final InetSocketAddress CLIENT = new InetSocketAddress("198.18.1.2", 50000);
    static final ServerTlsContext TLS = ServerTlsContext.selfSigned(List.of("h3"), List.of("localhost"));
    private static final long CONTROL_DELAY = 500_000;

    final SimNetwork net;
    final LoadBalancerCore lb;
    final List<RealServerCore> servers = new ArrayList<>();
    final List<SimNode> serverNodes = new ArrayList<>();
    final SimNode lbNode;
    final QuicClientEndpoint client = new QuicClientEndpoint();
    private final java.util.Map<InetSocketAddress, QuicClientEndpoint> otherClients = new java.util.HashMap<>();
    final SplittableRandom random;
    long controlBytes;

    Topology(long seed, int serverCount, LoadBalancerCore.Mode mode) {
        this(seed, serverCount, mode, org.qdsr.quic.connection.ConnectionConfig.defaults());
    }

    Topology(long seed, int serverCount, LoadBalancerCore.Mode mode, org.qdsr.quic.connection.ConnectionConfig lbConfig) {
        this(seed, serverCount, mode, lbConfig, i -> RealServerCore.Config.defaults());
    }

    Topology(long seed, int serverCount, LoadBalancerCore.Mode mode, org.qdsr.quic.connection.ConnectionConfig lbConfig,
             java.util.function.IntFunction<RealServerCore.Config> serverConfig) {
        this(seed, serverCount, LoadBalancerCore.Settings.defaults().withMode(mode).withConnectionConfig(lbConfig),
                serverConfig);
    }

    Topology(long seed, int serverCount, LoadBalancerCore.Settings lbSettings,
             java.util.function.IntFunction<RealServerCore.Config> serverConfig) {
        random = new SplittableRandom(seed);
        net = SimNetwork.seeded(seed);
        lb = new LoadBalancerCore(lbSettings, TLS, new Router(List.of(), Policy.roundRobin()), random.split());
        lbNode = net.attach(VIP, lb);
        net.attach(CLIENT, client);
        for (int i = 0; i < serverCount; i++) {
            int id = i;
            Backend b = lb.addBackend("rs" + i, 1);
            MessageSink toLb = (link, m) -> deliver(m, msg -> lb.onBackendMessage(id, msg, net.now()));
            RealServerCore rs = new RealServerCore(new SyntheticSource(), toLb, serverConfig.apply(i), () -> -1);
            servers.add(rs);
            serverNodes.add(net.attach("rs" + i, rs, VIP));
            lb.backendUp(b.id(), m -> {
                deliver(m, msg -> rs.onMessage(0, msg, net.now()));
                return true;
            });
            rs.onLinkOpened(0, net.now());
        }
    }

    /** Encodes, and decodes after the control delay: what crosses the control channel is bytes. */
    private void deliver(ControlMessage m, java.util.function.Consumer<ControlMessage> to) {
        byte[] wire = ControlCodec.encode(m);
        controlBytes += wire.length;
        net.scheduleAfter(CONTROL_DELAY, () -> {
            try {
                to.accept(ControlCodec.decode(wire));
            } catch (Exception e) {
                throw new AssertionError("control message did not survive its codec: " + m, e);
            }
        });
    }

    /** Takes a backend's control channel down (the LB notices at once). */
    void disconnect(int server) {
        lb.backendDown(server, net.now());
        servers.get(server).onLinkClosed(0);
    }

    QuicConnection lastClient;

    Http3ClientSession connect(boolean serverPaths) throws Exception {
        return connect(serverPaths, ConnectionConfig.defaults());
    }

    Http3ClientSession connect(boolean serverPaths, ConnectionConfig base) throws Exception {
        return connect(client, serverPaths, base);
    }

    /** A connection from another client host at {@code address} (attached on first use). */
    Http3ClientSession connectFrom(InetSocketAddress address, boolean serverPaths) throws Exception {
        QuicClientEndpoint endpoint = otherClients.computeIfAbsent(address, a -> {
            QuicClientEndpoint e = new QuicClientEndpoint();
            net.attach(a, e);
            return e;
        });
        return connect(endpoint, serverPaths, ConnectionConfig.defaults());
    }

    private Http3ClientSession connect(QuicClientEndpoint endpoint, boolean serverPaths, ConnectionConfig base)
            throws Exception {
        ConnectionConfig config = base;
        if (serverPaths) {
            config = config.withPaths(16, true);
        }
        ClientOptions o = ClientOptions.of(ClientTlsConfig.of("localhost", List.of("h3")).withInsecure(true), VIP)
                .withConfig(config).withRandom(random.split());
        QuicConnection c = QuicConnection.connect(o, net.now());
        lastClient = c;
        Http3ClientSession session = new Http3ClientSession();
        endpoint.add(c, session);
        return session;
    }

    static CompletableFuture<Http3Result> get(Http3ClientSession s, String path, ByteArrayOutputStream body) {
        return s.request("GET", "https", "localhost", path, List.of(), null, Http3ClientSession.collector(body));
    }

    static boolean matchesSynthetic(byte[] body, int n) {
        if (body.length != n) {
            return false;
        }
        byte[] expected = new byte[n];
        SyntheticSource.fill(0, expected, 0, n);
        return java.util.Arrays.equals(expected, body);
    }
}
