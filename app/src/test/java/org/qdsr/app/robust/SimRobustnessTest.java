package org.qdsr.app.robust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.qdsr.app.robust.Fixtures.SECOND;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.qdsr.quic.connection.CloseReason;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.sim.LinkConditions;
import org.qdsr.quic.sim.SimEvent;
import org.qdsr.quic.tls.ServerTlsContext;
import org.qdsr.quic.wire.ByteReader;
import org.qdsr.quic.wire.ByteWriter;

/** Protocol robustness on the in-memory network: Retry, VN, resets, idle, key update, rebinding, loss, close. */
@Timeout(60)
class SimRobustnessTest {
    private static ServerTlsContext tls;

    @BeforeAll
    static void tls() {
        tls = ServerTlsContext.selfSigned(List.of(Fixtures.ALPN), List.of("localhost"));
    }

    @AfterAll
    static void closeTls() {
        tls.close();
    }

    private static SimHarness harness(long seed, ConnectionConfig config) {
        return new SimHarness(seed, SimHarness.settings(tls, config));
    }

    private static void assertEchoed(MultiStreamEchoClient app, List<byte[]> payloads) {
        assertThat(app.closed).as("client close reason").isNull();
        assertThat(app.isDone()).as("all streams echoed").isTrue();
        for (int i = 0; i < payloads.size(); i++) {
            assertThat(app.received(i)).as("stream %d", i).isEqualTo(payloads.get(i));
        }
    }

    // (a) Retry round trip, then data
    @Test
    void retryRoundTripThenData() throws Exception {
        ConnectionConfig config = ConnectionConfig.defaults();
        SimHarness h = new SimHarness(11, SimHarness.settings(tls, config).withRetry(true));
        h.net.setDefaultConditions(LinkConditions.delay(5_000_000));
        List<byte[]> retries = new ArrayList<>();
        h.net.addTap(ev -> {
            if (ev.kind() == SimEvent.Kind.SENT && ev.from().equals(SimHarness.SERVER) && isRetry(ev.data())) {
                retries.add(ev.data());
            }
        });
        List<byte[]> payloads = Fixtures.payloads(2, 100_000, 5);
        MultiStreamEchoClient app = new MultiStreamEchoClient(payloads);
        h.connect(config, app);
        h.net.runUntil(() -> app.isDone() || app.closed != null, 30 * SECOND);
        assertThat(retries).as("Retry packets sent").hasSize(1);
        assertEchoed(app, payloads);
        assertThat(h.server.connectionsAccepted()).isEqualTo(1);
    }

    private static boolean isRetry(byte[] d) {
        return d.length > 5 && (d[0] & 0x80) != 0 && ((d[0] >> 4) & 3) == 3
                && d[1] == 0 && d[2] == 0 && d[3] == 0 && d[4] == 1;
    }

    // (b) Version Negotiation for an unsupported version
    @Test
    void unsupportedVersionGetsVersionNegotiationListingVersion1() {
        SimHarness h = harness(12, ConnectionConfig.defaults());
        RawEndpoint raw = new RawEndpoint();
        InetSocketAddress rawAddress = new InetSocketAddress("198.18.0.9", 40000);
        h.net.attach(rawAddress, raw);
        byte[] dcid = Fixtures.randomBytes(8, 1);
        byte[] scid = Fixtures.randomBytes(5, 2);
        byte[] packet = new byte[1200];
        ByteWriter w = new ByteWriter(packet);
        w.writeUint8(0xc0).writeUint32(0x1a2a3a4aL).writeUint8(dcid.length).writeBytes(dcid)
                .writeUint8(scid.length).writeBytes(scid);
        raw.queue(packet, SimHarness.SERVER);
        h.net.runFor(SECOND);

        assertThat(raw.received).hasSize(1);
        ByteReader r = new ByteReader(raw.received.get(0));
        assertThat(r.readUint8() & 0x80).as("long header").isEqualTo(0x80);
        assertThat(r.readUint32()).as("VN version field").isZero();
        assertThat(r.readBytes(r.readUint8())).as("VN dcid = client scid").isEqualTo(scid);
        assertThat(r.readBytes(r.readUint8())).as("VN scid = client dcid").isEqualTo(dcid);
        List<Long> versions = new ArrayList<>();
        while (r.remaining() >= 4) {
            versions.add(r.readUint32());
        }
        assertThat(r.remaining()).isZero();
        assertThat(versions).contains(1L);
        assertThat(h.server.connectionCount()).isZero();
    }

    // (c) stateless reset after the server forgot the connection
    @Test
    void clientClosesOnStatelessResetFromServerThatForgotTheConnection() throws Exception {
        ConnectionConfig config = ConnectionConfig.defaults();
        byte[] secret = Fixtures.randomBytes(32, 77);
        SimHarness h = new SimHarness(13, SimHarness.settings(tls, config).withSecret(secret));
        QuicConnection c = connectEchoThenRestart(h, config);
        h.net.runUntil(c::isClosed, 10 * SECOND);

        assertThat(h.server.statelessResetsSent()).as("resets sent by the restarted server").isPositive();
        assertThat(c.isClosed()).isTrue();
        assertThat(c.closeReason().kind()).isEqualTo(CloseReason.Kind.STATELESS_RESET);
    }

    /** Without a shared secret the restarted server's keys are new: its resets do not match and are ignored. */
    @Test
    void aRestartedServerWithoutTheSecretCannotResetTheConnection() throws Exception {
        ConnectionConfig config = ConnectionConfig.defaults();
        SimHarness h = harness(14, config);
        QuicConnection c = connectEchoThenRestart(h, config);
        h.net.runFor(3 * SECOND);

        assertThat(h.server.statelessResetsSent()).as("resets sent by the restarted server").isPositive();
        assertThat(c.isClosed()).as("a reset with another key's token is not one (RFC 9000 §10.3.1)").isFalse();
    }

    private static QuicConnection connectEchoThenRestart(SimHarness h, ConnectionConfig config) throws Exception {
        h.net.setDefaultConditions(LinkConditions.delay(5_000_000));
        List<byte[]> payloads = Fixtures.payloads(1, 1000, 9);
        MultiStreamEchoClient app = new MultiStreamEchoClient(payloads);
        QuicConnection c = h.connect(config, app);
        h.net.runUntil(() -> app.isDone() || app.closed != null, 10 * SECOND);
        assertEchoed(app, payloads);
        h.restartServer();
        long stream = c.openStream(true);
        byte[] more = Fixtures.randomBytes(500, 10);
        assertThat(c.write(stream, more, 0, more.length)).isEqualTo(more.length);
        return c;
    }

    // (d) idle timeout on both sides
    @Test
    void bothSidesCloseAfterNegotiatedIdleTimeout() throws Exception {
        ConnectionConfig client = ConnectionConfig.defaults().withMaxIdleTimeout(Duration.ofSeconds(2));
        ConnectionConfig server = ConnectionConfig.defaults().withMaxIdleTimeout(Duration.ofSeconds(5));
        SimHarness h = harness(14, server);
        h.net.setDefaultConditions(LinkConditions.delay(5_000_000));
        List<byte[]> payloads = Fixtures.payloads(1, 100, 9);
        MultiStreamEchoClient app = new MultiStreamEchoClient(payloads);
        QuicConnection c = h.connect(client, app);
        h.net.runUntil(app::isDone, 10 * SECOND);
        assertEchoed(app, payloads);
        long idleStart = h.net.now();

        h.net.runUntil(() -> c.isClosed() && h.server.connectionCount() == 0, 30 * SECOND);
        long elapsed = h.net.now() - idleStart;

        QuicConnection s = h.serverConnection();
        assertThat(c.isClosed()).isTrue();
        assertThat(c.closeReason().kind()).isEqualTo(CloseReason.Kind.IDLE_TIMEOUT);
        assertThat(s.isClosed()).isTrue();
        assertThat(s.closeReason().kind()).isEqualTo(CloseReason.Kind.IDLE_TIMEOUT);
        assertThat(h.server.connectionCount()).isZero();
        // the negotiated timeout is the minimum, 2 s (RFC 9000 §10.1), not the server's 5 s
        assertThat(elapsed).isBetween(2 * SECOND, 4 * SECOND);
    }

    // (e) key updates during a 2 MB echo
    @Test
    void keyUpdatesEveryHundredPacketsDuringTwoMegabyteEcho() throws Exception {
        ConnectionConfig server = ConnectionConfig.defaults();
        ConnectionConfig client = ConnectionConfig.defaults().withKeyUpdateInterval(100);
        SimHarness h = harness(15, server);
        h.net.setDefaultConditions(LinkConditions.delay(5_000_000));
        List<byte[]> payloads = Fixtures.payloads(1, 2 << 20, 21);
        MultiStreamEchoClient app = new MultiStreamEchoClient(payloads);
        QuicConnection c = h.connect(client, app);
        h.net.runUntil(() -> app.isDone() || app.closed != null, 60 * SECOND);
        assertEchoed(app, payloads);
        assertThat(c.keyGeneration()).as("client key generation").isGreaterThan(1);
        assertThat(h.serverConnection().keyGeneration()).as("server key generation").isGreaterThan(1);
    }

    // (f) NAT rebinding mid-transfer
    @Test
    void natRebindingMidTransferCompletesAndServerValidatesNewPath() throws Exception {
        ConnectionConfig config = ConnectionConfig.defaults();
        SimHarness h = harness(16, config);
        h.net.setDefaultConditions(LinkConditions.delay(10_000_000));
        List<byte[]> payloads = Fixtures.payloads(1, 2 << 20, 31);
        MultiStreamEchoClient app = new MultiStreamEchoClient(payloads);
        h.connect(config, app);
        h.net.runUntil(() -> h.serverConnection() != null && h.serverConnection().bytesReceived() > 500_000,
                30 * SECOND);
        assertThat(app.isDone()).as("rebinding happens mid-transfer").isFalse();
        InetSocketAddress rebound = new InetSocketAddress("198.18.0.77", 61000);
        h.net.rebind(h.clientNode, rebound);

        h.net.runUntil(() -> app.isDone() || app.closed != null, 60 * SECOND);
        assertEchoed(app, payloads);
        QuicConnection s = h.serverConnection();
        assertThat(s.peerAddress()).isEqualTo(rebound);
        assertThat(s.pathValidations()).isGreaterThanOrEqualTo(1);
    }

    // (g) handshake under 30% loss in both directions
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void handshakeCompletesUnderThirtyPercentLoss(long seed) throws Exception {
        ConnectionConfig config = ConnectionConfig.defaults();
        SimHarness h = harness(100 + seed, config);
        h.net.setDefaultConditions(LinkConditions.delay(10_000_000).withLoss(0.30));
        List<byte[]> payloads = Fixtures.payloads(1, 2000, seed);
        MultiStreamEchoClient app = new MultiStreamEchoClient(payloads);
        h.connect(config, app);
        h.net.runUntil(() -> app.isDone() || app.closed != null, 60 * SECOND);
        assertThat(app.handshakeDone).isTrue();
        assertThat(h.serverApps).isNotEmpty();
        assertThat(h.serverApps.get(0).handshakeDone).isTrue();
        assertEchoed(app, payloads);
    }

    // (h) application close reaches the peer with its code
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void applicationCloseReachesPeerAsPeerCloseWithItsCode(boolean clientCloses) throws Exception {
        ConnectionConfig config = ConnectionConfig.defaults();
        SimHarness h = harness(17, config);
        h.net.setDefaultConditions(LinkConditions.delay(5_000_000));
        List<byte[]> payloads = Fixtures.payloads(1, 100, 9);
        MultiStreamEchoClient app = new MultiStreamEchoClient(payloads);
        QuicConnection c = h.connect(config, app);
        h.net.runUntil(app::isDone, 10 * SECOND);
        assertEchoed(app, payloads);
        QuicConnection s = h.serverConnection();
        QuicConnection closer = clientCloses ? c : s;
        QuicConnection peer = clientCloses ? s : c;

        closer.close(0x1234, "bye", h.net.now());
        h.net.runUntil(() -> peer.closeReason() != null, 5 * SECOND);

        CloseReason r = peer.closeReason();
        assertThat(r).isNotNull();
        assertThat(r.kind()).isEqualTo(CloseReason.Kind.PEER_CLOSE);
        assertThat(r.application()).isTrue();
        assertThat(r.errorCode()).isEqualTo(0x1234);
        assertThat(closer.closeReason().kind()).isEqualTo(CloseReason.Kind.LOCAL_CLOSE);
        h.net.runFor(10 * SECOND);
        assertThat(c.isClosed()).isTrue();
        assertThat(s.isClosed()).isTrue();
        assertThat(h.server.connectionCount()).isZero();
    }
}
