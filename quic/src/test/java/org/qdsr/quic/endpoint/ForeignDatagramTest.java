package org.qdsr.quic.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.connection.ClientOptions;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.sim.SimNetwork;
import org.qdsr.quic.tls.ClientTlsConfig;
import org.qdsr.quic.tls.ServerTlsContext;
import org.qdsr.quic.wire.ConnectionIdGenerator;
import org.qdsr.quic.wire.ConnectionId;

/**
 * A server endpoint with QUIC-LB connection IDs: what it issues names it, and what names another
 * server goes to the {@link ForeignDatagramHandler} instead of getting a stateless reset.
 */
class ForeignDatagramTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress("198.18.0.1", 443);
    private static final InetSocketAddress CLIENT = new InetSocketAddress("198.18.0.2", 50000);
    private static final ServerTlsContext TLS = ServerTlsContext.selfSigned(List.of("test"), List.of("localhost"));
    private static final PlaintextConnectionIds OURS = PlaintextConnectionIds.of(3, 8);
    private static final PlaintextConnectionIds PEER = PlaintextConnectionIds.of(5, 8);

    private record Taken(int serverId, int length, InetSocketAddress from) {
    }

    private final List<Taken> taken = new ArrayList<>();
    private final List<byte[]> sent = new ArrayList<>();
    private final SplittableRandom random = new SplittableRandom(11);

    private QuicServerEndpoint endpoint(boolean take) {
        QuicServerEndpoint e = new QuicServerEndpoint(QuicServerEndpoint.Settings.of(TLS), c -> (conn, now) -> {
            while (conn.pollEvent() != null) {
                // ignore
            }
        }, random.split(), OURS);
        e.setForeignHandler((id, data, off, len, from, now) -> {
            taken.add(new Taken(id, len, from));
            return take;
        });
        return e;
    }

    private static byte[] shortHeader(ConnectionId dcid) {
        byte[] d = new byte[60];
        new SplittableRandom(3).nextBytes(d);
        d[0] = (byte) (0x40 | d[0] & 0x3f);
        dcid.copyTo(d, 1);
        return d;
    }

    private void drain(QuicServerEndpoint e) {
        e.drainTransmit(0, (data, off, len, to) -> {
            sent.add(java.util.Arrays.copyOfRange(data, off, off + len));
            return true;
        });
    }

    @Test
    void aShortHeaderForAnotherServerIsHandedOverNotReset() {
        QuicServerEndpoint e = endpoint(true);
        assertThat(e.serverId()).hasValue(3);
        byte[] d = shortHeader(PEER.next(random));
        e.onDatagram(d, 0, d.length, CLIENT, 0);
        drain(e);
        assertThat(taken).containsExactly(new Taken(5, 60, CLIENT));
        assertThat(e.datagramsForeign()).isEqualTo(1);
        assertThat(sent).isEmpty();
        assertThat(e.statelessResetsSent()).isZero();
    }

    @Test
    void ourOwnIdOrAnUnknownPeerStillGetsAStatelessReset() {
        QuicServerEndpoint e = endpoint(false); // the handler knows no server 5
        byte[] own = shortHeader(OURS.next(random));
        e.onDatagram(own, 0, own.length, CLIENT, 0);
        assertThat(taken).as("our own id is never handed over").isEmpty();
        byte[] peer = shortHeader(PEER.next(random));
        e.onDatagram(peer, 0, peer.length, CLIENT, 0);
        assertThat(taken).hasSize(1);
        drain(e);
        assertThat(e.statelessResetsSent()).isEqualTo(2);
        assertThat(sent).hasSize(2);
    }

    /**
     * RFC 9000 §10.3, table-driven: trigger size in, stateless reset size out (one byte shorter, at
     * most 64, never below 21), the token for the trigger's connection ID last. The 37-byte case is
     * a client's ACK-only packet with an 8-byte connection ID: it must get a reset, or a client that
     * only downloads never learns its connection is gone.
     */
    @Test
    void statelessResetsAreShorterThanTheirTriggerDownToTheShortestPacket() {
        int[][] cases = {{60, 59}, {200, 64}, {43, 42}, {37, 36}, {29, 28}, {28, -1}, {22, -1}};
        assertThat(QuicServerEndpoint.minStatelessResetTrigger(8)).isEqualTo(29);
        assertThat(QuicServerEndpoint.minStatelessResetTrigger(0)).isEqualTo(22);
        QuicServerEndpoint e = endpoint(false);
        ConnectionId dcid = OURS.next(random);
        java.util.Set<String> tokens = new java.util.HashSet<>();
        for (int[] c : cases) {
            sent.clear();
            byte[] d = java.util.Arrays.copyOf(shortHeader(dcid), c[0]);
            e.onDatagram(d, 0, d.length, CLIENT, 0);
            drain(e);
            if (c[1] < 0) {
                assertThat(sent).as("%d bytes: too short to be a packet", c[0]).isEmpty();
                continue;
            }
            assertThat(sent).as("trigger of %d bytes", c[0]).hasSize(1);
            byte[] reset = sent.get(0);
            assertThat(reset.length).as("reset for %d bytes", c[0]).isEqualTo(c[1]);
            assertThat(reset[0] & 0xc0).as("fixed bit set, short header form").isEqualTo(0x40);
            tokens.add(java.util.HexFormat.of().formatHex(reset, reset.length - 16, reset.length));
        }
        assertThat(tokens).as("the same connection ID's token ends every reset").hasSize(1);
        sent.clear();
        byte[] other = java.util.Arrays.copyOf(shortHeader(OURS.next(random)), 37);
        e.onDatagram(other, 0, other.length, CLIENT, 0);
        drain(e);
        assertThat(java.util.HexFormat.of().formatHex(sent.get(0), 20, 36)).isNotIn(tokens);
    }

    @Test
    void aForwardedDatagramIsNeverHandedOverAgain() {
        QuicServerEndpoint e = endpoint(true);
        byte[] d = shortHeader(PEER.next(random));
        e.onForwardedDatagram(d, 0, d.length, CLIENT, 0);
        drain(e);
        assertThat(taken).isEmpty();
        assertThat(e.statelessResetsSent()).isEqualTo(1);
    }

    @Test
    void anInitialWhoseRandomDcidLooksLikeAPeersIsAcceptedHere() throws Exception {
        SimNetwork net = SimNetwork.seeded(5);
        QuicServerEndpoint e = endpoint(true);
        net.attach(SERVER, e);
        QuicClientEndpoint client = new QuicClientEndpoint();
        net.attach(CLIENT, client);
        // the client's random happens to draw an Initial DCID of QUIC-LB shape naming server 5
        ClientOptions o = ClientOptions.of(ClientTlsConfig.of("localhost", List.of("test")).withInsecure(true), SERVER)
                .withRandom(shaped(new SplittableRandom(9), PEER));
        QuicConnection c = QuicConnection.connect(o, net.now());
        client.add(c, (conn, now) -> {
            while (conn.pollEvent() != null) {
                // ignore
            }
        });
        net.runUntil(() -> c.state() == QuicConnection.State.ESTABLISHED, 5_000_000_000L);
        assertThat(c.state()).isEqualTo(QuicConnection.State.ESTABLISHED);
        assertThat(taken).as("Initials are never routed by their DCID").isEmpty();
        assertThat(e.connectionsAccepted()).isEqualTo(1);
        net.runFor(100_000_000L);
        List<ConnectionId> issued = new ArrayList<>();
        e.forEachConnection(s -> issued.addAll(s.localConnectionIds()));
        assertThat(issued).as("handshake ID and NEW_CONNECTION_IDs").hasSizeGreaterThan(1);
        assertThat(issued).allMatch(id -> OURS.serverId(id.toBytes(), 0, id.length()).orElse(-1) == 3);
    }

    @Test
    void theDefaultGeneratorNeverHandsOver() {
        QuicServerEndpoint e = new QuicServerEndpoint(QuicServerEndpoint.Settings.of(TLS)
                .withConfig(ConnectionConfig.defaults()), c -> (conn, now) -> { }, random.split());
        e.setForeignHandler((id, data, off, len, from, now) -> taken.add(new Taken(id, len, from)));
        assertThat(e.serverId()).isEmpty();
        byte[] d = shortHeader(PEER.next(random));
        e.onDatagram(d, 0, d.length, CLIENT, 0);
        assertThat(taken).isEmpty();
        assertThat(e.statelessResetsSent()).isEqualTo(1);
    }

    /** A client random whose draws of the ID length come out in {@code ids}' layout, the rest plain. */
    private static java.util.random.RandomGenerator shaped(SplittableRandom plain, ConnectionIdGenerator ids) {
        return new java.util.random.RandomGenerator() {
            @Override
            public void nextBytes(byte[] bytes) {
                if (bytes.length == ids.length()) {
                    ids.next(plain).copyTo(bytes, 0);
                } else {
                    plain.nextBytes(bytes);
                }
            }

            @Override
            public long nextLong() {
                return plain.nextLong();
            }
        };
    }
}
