package org.qdsr.lb;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
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
import org.qdsr.rs.content.ServedBy;
import org.qdsr.rs.content.SyntheticSource;

/**
 * Client, load balancer and N named real servers ({@code x-served-by: rsI}) on the virtual
 * network, in the manner of {@link Topology}, plus what fault and security tests need: every
 * control message the LB sends is tapped (after its codec round trip), and a real server's
 * control link can be taken down and brought back.
 */
final class ClusterTopology {
    static final InetSocketAddress VIP = new InetSocketAddress("198.18.0.10", 443);
    static final InetSocketAddress CLIENT = new InetSocketAddress("198.18.1.2", 50000);
    static final ServerTlsContext TLS = ServerTlsContext.selfSigned(List.of("h3"), List.of("localhost"));
    private static final long CONTROL_DELAY = 500_000;

    final SimNetwork net;
    final LoadBalancerCore lb;
    final List<RealServerCore> servers = new ArrayList<>();
    final List<SimNode> serverNodes = new ArrayList<>();
    final List<Backend> backends = new ArrayList<>();
    final QuicClientEndpoint client = new QuicClientEndpoint();
    /** Every message the LB sent to a real server, as the server decoded it. */
    final List<Tapped> toServers = new ArrayList<>();

    /** A control message the LB sent to real server {@code server}. */
    record Tapped(int server, ControlMessage message) {
    }
    private final SplittableRandom random;

    ClusterTopology(long seed, int serverCount, LoadBalancerCore.Mode mode) {
        random = new SplittableRandom(seed);
        net = SimNetwork.seeded(seed);
        lb = new LoadBalancerCore(LoadBalancerCore.Settings.defaults().withMode(mode), TLS,
                new Router(List.of(), Policy.roundRobin()), random.split());
        net.attach(VIP, lb);
        net.attach(CLIENT, client);
        for (int i = 0; i < serverCount; i++) {
            int id = i;
            backends.add(lb.addBackend("rs" + i, 1));
            MessageSink toLb = (link, m) -> deliver(m, msg -> lb.onBackendMessage(id, msg, net.now()));
            RealServerCore rs = new RealServerCore(new ServedBy(new SyntheticSource(), "rs" + i), toLb);
            servers.add(rs);
            serverNodes.add(net.attach("rs" + i, rs, VIP));
            join(i);
        }
    }

    /** Opens (or reopens) the control link of {@code server}, as a reconnecting LB would. */
    void join(int server) {
        RealServerCore rs = servers.get(server);
        lb.backendUp(backends.get(server).id(), m -> {
            deliver(m, msg -> {
                toServers.add(new Tapped(server, msg));
                rs.onMessage(0, msg, net.now());
            });
            return true;
        });
        rs.onLinkOpened(0, net.now());
    }

    /** Takes a backend's control channel down (both ends notice at once, as Topology.disconnect). */
    void disconnect(int server) {
        lb.backendDown(backends.get(server).id(), net.now());
        servers.get(server).onLinkClosed(0);
    }

    private void deliver(ControlMessage m, Consumer<ControlMessage> to) {
        byte[] wire = ControlCodec.encode(m);
        net.scheduleAfter(CONTROL_DELAY, () -> {
            try {
                to.accept(ControlCodec.decode(wire));
            } catch (Exception e) {
                throw new AssertionError("control message did not survive its codec: " + m, e);
            }
        });
    }

    Http3ClientSession connect() throws Exception {
        ConnectionConfig config = ConnectionConfig.defaults().withPaths(16, true);
        ClientOptions o = ClientOptions.of(ClientTlsConfig.of("localhost", List.of("h3")).withInsecure(true), VIP)
                .withConfig(config).withRandom(random.split());
        QuicConnection c = QuicConnection.connect(o, net.now());
        Http3ClientSession session = new Http3ClientSession();
        client.add(c, session);
        return session;
    }

    /** One GET of {@code /bytes/size}; the body collects into {@link #body}. */
    record Fetch(int size, ByteArrayOutputStream body, CompletableFuture<Http3Result> result) {
        static Fetch start(Http3ClientSession s, int size) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            return new Fetch(size, body, s.request("GET", "https", "localhost", "/bytes/" + size, List.of(), null,
                    Http3ClientSession.collector(body)));
        }

        boolean byteExact() {
            return Topology.matchesSynthetic(body.toByteArray(), size);
        }

        String servedBy() {
            return result.join().response().header(ServedBy.HEADER);
        }
    }
}
