package org.qdsr.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.qdsr.control.message.ControlCodec;
import org.qdsr.control.message.ControlMessage;
import org.qdsr.http3.session.Http3ClientSession;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.lb.routing.Policy;
import org.qdsr.lb.routing.Router;
import org.qdsr.quic.DatagramEndpoint;
import org.qdsr.quic.DatagramSink;
import org.qdsr.quic.connection.ClientOptions;
import org.qdsr.quic.connection.CloseReason;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.endpoint.QuicClientEndpoint;
import org.qdsr.quic.sim.LinkConditions;
import org.qdsr.quic.sim.SimNetwork;
import org.qdsr.quic.tls.ClientTlsConfig;
import org.qdsr.rs.MessageSink;
import org.qdsr.rs.RealServerCore;
import org.qdsr.rs.content.SyntheticSource;

/**
 * Two load balancers for one VIP behind ECMP (ids 1 and 2, one secret, the same real servers).
 * The client connects through LB A; mid-download its flow is rehashed to LB B (with a NAT
 * rebinding: a new client port). With peering, B finds A's id in the connection ID and forwards
 * every datagram to A, which serves the rest as after any rebinding: byte-exact, no stateless
 * reset. Without peering, B answers with a stateless reset and the connection dies.
 */
class MultiLbForwardingTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long EPOCH_MILLIS = 1_750_000_000_000L;
    private static final InetSocketAddress VIP = Topology.VIP;
    private static final InetSocketAddress CLIENT = Topology.CLIENT;
    private static final InetSocketAddress MOVED = new InetSocketAddress("198.18.1.2", 50001);
    private static final InetSocketAddress FWD_A = new InetSocketAddress("198.18.0.11", 7000);
    private static final InetSocketAddress FWD_B = new InetSocketAddress("198.18.0.12", 7000);
    private static final byte[] SECRET = "a VIP secret of at least 32 bytes, shared".getBytes();
    private static final int[] SIZES = {2_000_000, 1_000_000};
    private static final long CONTROL_DELAY = 500_000;

    /** The ECMP router: every datagram to the VIP goes to the LB it hashes to now. */
    private static final class Ecmp implements DatagramEndpoint {
        LoadBalancerCore target;
        long toA;
        long toB;
        LoadBalancerCore a;

        @Override
        public void onDatagram(byte[] data, int off, int len, InetSocketAddress from, long now) {
            if (target == a) {
                toA++;
            } else {
                toB++;
            }
            target.onDatagram(data.clone(), off, len, from, now);
        }

        @Override
        public void drainTransmit(long now, DatagramSink sink) {
        }

        @Override
        public long nextDeadline() {
            return Long.MAX_VALUE;
        }

        @Override
        public void onDeadline(long now) {
        }
    }

    private final SimNetwork net = SimNetwork.seeded(17);
    private final SplittableRandom random = new SplittableRandom(17);
    private final LongSupplier wallClock = () -> EPOCH_MILLIS + net.now() / 1_000_000;
    private final Ecmp ecmp = new Ecmp();
    private LoadBalancerCore a;
    private LoadBalancerCore b;
    private final List<RealServerCore> servers = new ArrayList<>();

    private void build(LoadBalancerCore.Mode mode, boolean peering) {
        net.setDefaultConditions(LinkConditions.delay(10_000_000));
        LoadBalancerCore.Settings s = LoadBalancerCore.Settings.defaults().withMode(mode).withEndpointSecret(SECRET);
        a = new LoadBalancerCore(s, Topology.TLS, new Router(List.of(), Policy.roundRobin()), random.split(),
                peering ? new Peering(1, Map.of(2, FWD_B), FWD_A, 2_000) : Peering.alone(1), wallClock);
        b = new LoadBalancerCore(s, Topology.TLS, new Router(List.of(), Policy.roundRobin()), random.split(),
                peering ? new Peering(2, Map.of(1, FWD_A), FWD_B, 2_000) : Peering.alone(2), wallClock);
        ecmp.a = a;
        ecmp.target = a;
        net.attach(VIP, ecmp);
        net.attachSender("lbA", a, VIP);
        net.attachSender("lbB", b, VIP);
        if (peering) {
            net.attach(FWD_A, a.peerEndpoint());
            net.attach(FWD_B, b.peerEndpoint());
        }
        for (int i = 0; i < 2; i++) {
            LoadBalancerCore[] lbs = {a, b};
            int[] ids = new int[2];
            RealServerCore[] rs = new RealServerCore[1];
            MessageSink toLb = (link, m) -> deliver(m, msg -> lbs[(int) link].onBackendMessage(ids[(int) link], msg,
                    net.now()));
            rs[0] = new RealServerCore(new SyntheticSource(), toLb, RealServerCore.Config.defaults(), () -> -1);
            servers.add(rs[0]);
            net.attach("rs" + i, rs[0], VIP);
            for (int link = 0; link < 2; link++) {
                int l = link;
                ids[l] = lbs[l].addBackend("rs" + i, 1).id();
                lbs[l].backendUp(ids[l], m -> {
                    deliver(m, msg -> rs[0].onMessage(l, msg, net.now()));
                    return true;
                });
                rs[0].onLinkOpened(l, net.now());
            }
        }
    }

    private void deliver(ControlMessage m, java.util.function.Consumer<ControlMessage> to) {
        byte[] wire = ControlCodec.encode(m);
        net.scheduleAfter(CONTROL_DELAY, () -> {
            try {
                to.accept(ControlCodec.decode(wire));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @ParameterizedTest(name = "{0}, peering {1}")
    @CsvSource({"ISOLATED, true", "PROXY, true", "INSTRUCTED, true", "ISOLATED, false", "PROXY, false"})
    void aRehashedClientIsForwardedToTheLbThatHoldsItsConnection(LoadBalancerCore.Mode mode, boolean peering)
            throws Exception {
        build(mode, peering);
        QuicClientEndpoint client = new QuicClientEndpoint();
        net.attach(CLIENT, client);
        ConnectionConfig config = mode == LoadBalancerCore.Mode.ISOLATED
                ? ConnectionConfig.defaults().withPaths(16, true) : ConnectionConfig.defaults();
        QuicConnection conn = QuicConnection.connect(ClientOptions.of(ClientTlsConfig.of("localhost", List.of("h3"))
                .withInsecure(true), VIP).withConfig(config).withRandom(random.split()), net.now());
        Http3ClientSession session = new Http3ClientSession();
        client.add(conn, session);
        ByteArrayOutputStream[] bodies = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
        List<CompletableFuture<Http3Result>> rs = List.of(Topology.get(session, "/bytes/" + SIZES[0], bodies[0]),
                Topology.get(session, "/bytes/" + SIZES[1], bodies[1]));
        net.runUntil(() -> bodies[0].size() + bodies[1].size() > 600_000, 30 * SECOND);
        assertThat(rs).noneMatch(CompletableFuture::isDone);
        assertThat(a.connectionCount()).isEqualTo(1);
        assertThat(conn.peerConnectionId().toBytes()[1]).as("the CID names LB A").isEqualTo((byte) 1);

        ecmp.target = b; // the router rehashed the flow, after a NAT rebinding of the client
        net.rebind(net.nodeAt(CLIENT), MOVED);
        ByteArrayOutputStream small = new ByteArrayOutputStream();
        CompletableFuture<Http3Result> after = Topology.get(session, "/bytes/1000", small);
        client.poke(net.now());
        net.runUntil(() -> conn.isClosed() || after.isDone() && rs.stream().allMatch(CompletableFuture::isDone),
                60 * SECOND);

        assertThat(ecmp.toB).as("datagrams the router sent to B").isPositive();
        if (!peering) {
            assertThat(b.endpoint().statelessResetsSent()).isPositive();
            assertThat(conn.isClosed()).isTrue();
            assertThat(conn.closeReason().kind()).isEqualTo(CloseReason.Kind.STATELESS_RESET);
            assertThat(rs).noneMatch(f -> f.isDone() && !f.isCompletedExceptionally()
                    && Topology.matchesSynthetic(bodies[rs.indexOf(f)].toByteArray(), SIZES[rs.indexOf(f)]));
            return;
        }
        assertThat(conn.isClosed()).as("closed: %s", conn.closeReason()).isFalse();
        net.runFor(SECOND); // what is in flight between the LBs arrives
        for (int i = 0; i < SIZES.length; i++) {
            assertThat(rs.get(i).get().response().status()).isEqualTo(200);
            assertThat(Topology.matchesSynthetic(bodies[i].toByteArray(), SIZES[i])).as("body %d", i).isTrue();
        }
        assertThat(Topology.matchesSynthetic(small.toByteArray(), 1000)).isTrue();
        assertThat(b.endpoint().statelessResetsSent()).as("B never reset A's connection").isZero();
        assertThat(b.stats().peerForwarded).containsKey("1");
        assertThat(b.stats().peerForwarded.get("1")).isEqualTo(b.endpoint().datagramsForeign()).isPositive();
        assertThat(a.stats().peerReceived).isEqualTo(b.stats().peerForwarded.get("1"));
        assertThat(a.stats().peerRejected.values()).allMatch(n -> n == 0);
        assertThat(b.connectionCount()).as("B holds no connection").isZero();
        assertThat(a.clientConnections().get(0).peerAddress()).isEqualTo(MOVED);
    }
}
