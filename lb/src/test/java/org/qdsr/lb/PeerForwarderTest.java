package org.qdsr.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.qdsr.lb.routing.Policy;
import org.qdsr.lb.routing.Router;
import org.qdsr.quic.endpoint.PlaintextConnectionIds;
import org.qdsr.quic.wire.ConnectionId;

/** What the forward socket of an LB accepts, and what its VIP endpoint passes to a peer. */
class PeerForwarderTest {
    private static final byte[] SECRET = "a VIP secret of at least 32 bytes, shared".getBytes();
    private static final InetSocketAddress CLIENT = new InetSocketAddress("198.18.1.2", 50000);
    private static final InetSocketAddress PEER_2 = new InetSocketAddress("198.18.0.12", 7000);
    private final long[] wall = {1_750_000_000_000L};
    private final LoadBalancerCore core = new LoadBalancerCore(
            LoadBalancerCore.Settings.defaults().withEndpointSecret(SECRET), Topology.TLS,
            new Router(List.of(), Policy.roundRobin()), new SplittableRandom(3),
            new Peering(1, Map.of(2, PEER_2), new InetSocketAddress("198.18.0.11", 7000), 2_000), () -> wall[0]);
    private final List<byte[]> sentToPeers = new ArrayList<>();
    private final List<InetSocketAddress> peerAddresses = new ArrayList<>();

    private static byte[] shortHeader(ConnectionId dcid) {
        byte[] d = new byte[80];
        new SplittableRandom(5).nextBytes(d);
        d[0] = (byte) (0x40 | d[0] & 0x3f);
        dcid.copyTo(d, 1);
        return d;
    }

    private void drainPeers() {
        core.peerEndpoint().drainTransmit(0, (data, off, len, to) -> {
            sentToPeers.add(java.util.Arrays.copyOfRange(data, off, off + len));
            peerAddresses.add(to);
            return true;
        });
    }

    private void drainVip(List<byte[]> out) {
        core.drainTransmit(0, (data, off, len, to) -> out.add(data.clone()));
    }

    @Test
    void aDatagramForPeer2IsSealedAndSentThere() {
        byte[] d = shortHeader(PlaintextConnectionIds.of(2, 8).next(new SplittableRandom(1)));
        core.onDatagram(d, 0, d.length, CLIENT, 0);
        drainPeers();
        assertThat(peerAddresses).containsExactly(PEER_2);
        PeerEncapsulation.Opened o = new PeerEncapsulation(SECRET, 2_000).open(sentToPeers.get(0), 0,
                sentToPeers.get(0).length, wall[0]);
        assertThat(o.ok()).isTrue();
        assertThat(o.senderId()).isEqualTo(1);
        assertThat(o.client()).isEqualTo(CLIENT);
        assertThat(o.payloadLength()).isEqualTo(d.length);
        assertThat(core.stats().peerForwarded).containsEntry("2", 1L);
        List<byte[]> vip = new ArrayList<>();
        drainVip(vip);
        assertThat(vip).as("no stateless reset").isEmpty();
    }

    @Test
    void unknownIdsAndOurOwnGetAStatelessResetAsBefore() {
        for (int id : new int[] {1, 3}) {
            byte[] d = shortHeader(PlaintextConnectionIds.of(id, 8).next(new SplittableRandom(id)));
            core.onDatagram(d, 0, d.length, CLIENT, 0);
        }
        drainPeers();
        assertThat(sentToPeers).isEmpty();
        assertThat(core.endpoint().statelessResetsSent()).isEqualTo(2);
    }

    @Test
    void tamperedStaleOrUnknownSenderEnvelopesAreDroppedAndCounted() {
        PeerEncapsulation peer = new PeerEncapsulation(SECRET, 2_000);
        byte[] d = shortHeader(PlaintextConnectionIds.of(1, 8).next(new SplittableRandom(1)));
        byte[] tampered = peer.seal(2, CLIENT, wall[0], d, 0, d.length);
        tampered[20] ^= 4;
        byte[] stale = peer.seal(2, CLIENT, wall[0] - 5_000, d, 0, d.length);
        byte[] stranger = peer.seal(9, CLIENT, wall[0], d, 0, d.length);
        byte[] wrongKey = new PeerEncapsulation("another secret of at least 32 bytes!!".getBytes(), 2_000)
                .seal(2, CLIENT, wall[0], d, 0, d.length);
        for (byte[] e : List.of(tampered, stale, stranger, wrongKey, new byte[3])) {
            core.peerEndpoint().onDatagram(e, 0, e.length, PEER_2, 0);
        }
        assertThat(core.stats().peerRejected).containsEntry("authentication", 2L).containsEntry("stale", 1L)
                .containsEntry("unknown_peer", 1L).containsEntry("malformed", 1L);
        assertThat(core.stats().peerReceived).isZero();
        List<byte[]> vip = new ArrayList<>();
        drainVip(vip);
        assertThat(vip).as("nothing was processed: not even a stateless reset").isEmpty();
        assertThat(core.endpoint().statelessResetsSent()).isZero();

        byte[] good = peer.seal(2, CLIENT, wall[0], d, 0, d.length);
        core.peerEndpoint().onDatagram(good, 0, good.length, PEER_2, 0);
        assertThat(core.stats().peerReceived).isEqualTo(1);
        drainPeers();
        assertThat(sentToPeers).as("a forwarded datagram is never forwarded again").isEmpty();
        assertThat(core.endpoint().statelessResetsSent()).as("unknown connection of our own id: reset")
                .isEqualTo(1);
    }

    /** A reload replaces the peers: a new one gets its datagrams, a removed one a reset and no hearing. */
    @Test
    void peersChangeOnAReloadAndOnlyWhereThereWereSome() {
        InetSocketAddress peer3 = new InetSocketAddress("198.18.0.13", 7000);
        core.setPeers(Map.of(3, peer3));
        byte[] for2 = shortHeader(PlaintextConnectionIds.of(2, 8).next(new SplittableRandom(1)));
        byte[] for3 = shortHeader(PlaintextConnectionIds.of(3, 8).next(new SplittableRandom(2)));
        core.onDatagram(for2, 0, for2.length, CLIENT, 0);
        core.onDatagram(for3, 0, for3.length, CLIENT, 0);
        drainPeers();
        assertThat(peerAddresses).containsExactly(peer3);
        assertThat(core.endpoint().statelessResetsSent()).as("peer 2 is gone").isEqualTo(1);
        assertThat(core.stats().peerForwarded).containsEntry("3", 1L);

        byte[] from2 = new PeerEncapsulation(SECRET, 2_000).seal(2, CLIENT, wall[0], for2, 0, for2.length);
        core.peerEndpoint().onDatagram(from2, 0, from2.length, PEER_2, 0);
        assertThat(core.stats().peerRejected).containsEntry("unknown_peer", 1L);

        LoadBalancerCore alone = new LoadBalancerCore(LoadBalancerCore.Settings.defaults(), Topology.TLS,
                new Router(List.of(), Policy.roundRobin()), new SplittableRandom(3), Peering.alone(1), () -> 0L);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> alone.setPeers(Map.of(2, PEER_2)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("restart");
    }

    @Test
    void peersNeedTheSharedSecret() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LoadBalancerCore(
                LoadBalancerCore.Settings.defaults(), Topology.TLS, new Router(List.of(), Policy.roundRobin()),
                new SplittableRandom(3), new Peering(1, Map.of(2, PEER_2), null, 2_000), () -> 0L))
                .hasMessageContaining("secret");
    }
}
