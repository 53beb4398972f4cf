package org.qdsr.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.qdsr.http3.session.Http3ClientSession;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.quic.sim.LinkConditions;
import org.qdsr.quic.sim.SimEvent;

/**
 * A client whose address changes mid-download (NAT rebinding: new port; migration: new IP;
 * RFC 9000 §9): the LB validates the new address and tells the real servers
 * ({@code PeerAddressUpdate}), which send the rest of the response there, from the VIP. A
 * spoofed source that never answers the PATH_CHALLENGE redirects nobody.
 */
class ClientAddressChangeTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int[] SIZES = {2_000_000, 1_000_000};

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"ISOLATED, 198.18.1.2, 50001", "ISOLATED, 198.18.7.9, 40000",
            "INSTRUCTED, 198.18.1.2, 50001", "INSTRUCTED, 198.18.7.9, 40000",
            "PROXY, 198.18.1.2, 50001", "PROXY, 198.18.7.9, 40000"})
    void downloadCompletesAfterTheClientMoved(LoadBalancerCore.Mode mode, String ip, int port) throws Exception {
        Topology t = new Topology(91, 2, mode);
        t.net.setDefaultConditions(LinkConditions.delay(10_000_000));
        Http3ClientSession session = t.connect(mode == LoadBalancerCore.Mode.ISOLATED);
        ByteArrayOutputStream[] bodies = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
        List<CompletableFuture<Http3Result>> rs = List.of(Topology.get(session, "/bytes/" + SIZES[0], bodies[0]),
                Topology.get(session, "/bytes/" + SIZES[1], bodies[1]));
        t.net.runUntil(() -> bodies[0].size() + bodies[1].size() > 600_000, 30 * SECOND);
        assertThat(rs).noneMatch(CompletableFuture::isDone);

        InetSocketAddress moved = new InetSocketAddress(ip, port);
        long[] toNewAddress = {0};
        t.net.addTap(e -> {
            if (e.kind() == SimEvent.Kind.DELIVERED && e.to().equals(moved) && e.from().equals(Topology.VIP)) {
                toNewAddress[0] += e.data().length;
            }
        });
        long[] rsSentBefore = t.serverNodes.stream().mapToLong(n -> n.sentBytes()).toArray();
        long remaining = SIZES[0] + SIZES[1] - bodies[0].size() - bodies[1].size();
        t.net.rebind(t.net.nodeAt(Topology.CLIENT), moved);
        // the client's next packet reveals the new address (nothing else can): here a small request
        ByteArrayOutputStream small = new ByteArrayOutputStream();
        CompletableFuture<Http3Result> after = Topology.get(session, "/bytes/1000", small);
        t.client.poke(t.net.now());
        t.net.runUntil(() -> after.isDone() && rs.stream().allMatch(CompletableFuture::isDone), 60 * SECOND);
        assertThat(Topology.matchesSynthetic(small.toByteArray(), 1000)).as("the request sent after the move").isTrue();

        for (int i = 0; i < SIZES.length; i++) {
            assertThat(rs.get(i)).as("response %d completes", i).isCompleted();
            assertThat(rs.get(i).get().response().status()).isEqualTo(200);
            assertThat(Topology.matchesSynthetic(bodies[i].toByteArray(), SIZES[i])).as("body %d byte for byte", i).isTrue();
        }
        assertThat(toNewAddress[0]).as("response bytes from the VIP to the new address").isGreaterThanOrEqualTo(remaining);
        assertThat(t.lb.clientConnections().get(0).peerAddress()).isEqualTo(moved);
        assertThat(t.lb.stats().peerAddressValidations).isEqualTo(1);
        long rsSentAfter = 0;
        for (int i = 0; i < t.serverNodes.size(); i++) {
            rsSentAfter += t.serverNodes.get(i).sentBytes() - rsSentBefore[i];
        }
        long updates = t.servers.stream().mapToLong(s -> s.counters().peerAddressUpdates).sum();
        long ipChanges = t.servers.stream().mapToLong(s -> s.counters().peerIpChanges).sum();
        if (mode == LoadBalancerCore.Mode.PROXY) {
            assertThat(t.lb.stats().peerAddressUpdates).as("nothing to tell in proxy mode").isZero();
        } else {
            assertThat(rsSentAfter).as("the real servers sent the rest").isGreaterThanOrEqualTo(remaining / 2);
            assertThat(t.lb.stats().peerAddressUpdates).isEqualTo(2);
            assertThat(updates).as("both real servers applied it").isEqualTo(2);
            assertThat(ipChanges).isEqualTo(moved.getAddress().equals(Topology.CLIENT.getAddress()) ? 0 : 2);
        }
    }

    /**
     * A client that moves on purpose (active migration) twice: after each move the LB's and the
     * real servers' packets reach the new address under connection IDs never seen at an earlier
     * one (RFC 9000 §9.5), the LB retires the old path IDs and the client replaces them, so the
     * second move finds spares again. Bodies byte-exact.
     */
    @Test
    void afterAnActiveMigrationNoConnectionIdLinksTheOldAndNewAddress() throws Exception {
        Topology t = new Topology(93, 2, LoadBalancerCore.Mode.ISOLATED);
        t.net.setDefaultConditions(LinkConditions.delay(10_000_000));
        Http3ClientSession session = t.connect(true);
        java.util.Map<InetSocketAddress, java.util.Set<String>> idsAt = new java.util.HashMap<>();
        t.net.addTap(e -> {
            byte[] d = e.data();
            if (e.kind() == SimEvent.Kind.DELIVERED && e.from().equals(Topology.VIP) && (d[0] & 0xc0) == 0x40) {
                idsAt.computeIfAbsent(e.to(), a -> new java.util.HashSet<>())
                        .add(java.util.HexFormat.of().formatHex(d, 1, 9)); // short header: the client's 8-byte ID
            }
        });
        List<InetSocketAddress> addresses = List.of(Topology.CLIENT, new InetSocketAddress("198.18.1.2", 50001),
                new InetSocketAddress("198.18.7.9", 40000));
        for (int move = 0; move < addresses.size(); move++) {
            if (move > 0) {
                assertThat(t.lastClient.rotatePeerConnectionId()).as("a spare ID of the LB's").isTrue();
                t.net.rebind(t.net.nodeAt(addresses.get(move - 1)), addresses.get(move));
            }
            ByteArrayOutputStream[] bodies = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
            List<CompletableFuture<Http3Result>> rs = List.of(Topology.get(session, "/bytes/" + SIZES[0], bodies[0]),
                    Topology.get(session, "/bytes/" + SIZES[1], bodies[1]));
            t.client.poke(t.net.now());
            t.net.runUntil(() -> rs.stream().allMatch(CompletableFuture::isDone), 60 * SECOND);
            for (int i = 0; i < SIZES.length; i++) {
                assertThat(Topology.matchesSynthetic(bodies[i].toByteArray(), SIZES[i])).as("move %d body %d", move, i)
                        .isTrue();
            }
        }
        assertThat(t.lb.stats().clientConnectionIdRotations).isEqualTo(2);
        assertThat(t.lb.stats().peerAddressValidations).isEqualTo(2);
        int paths = t.lb.clientConnections().get(0).availablePaths().size();
        assertThat(t.lb.stats().pathConnectionIdRotations).as("every path, each move").isEqualTo(2L * paths);
        for (int i = 0; i < addresses.size(); i++) {
            assertThat(idsAt.get(addresses.get(i))).as("packets at address %d", i).hasSizeGreaterThanOrEqualTo(3);
            for (int j = 0; j < i; j++) {
                assertThat(idsAt.get(addresses.get(i))).as("IDs at address %d also seen at %d", i, j)
                        .doesNotContainAnyElementsOf(idsAt.get(addresses.get(j)));
            }
        }
        assertThat(t.servers.stream().mapToLong(s -> s.counters().peerAddressUpdates).sum()).isEqualTo(4);
    }

    @Test
    void aSpoofedSourceThatNeverAnswersRedirectsNoRealServer() throws Exception {
        Topology t = new Topology(92, 2, LoadBalancerCore.Mode.ISOLATED);
        t.net.setDefaultConditions(LinkConditions.delay(10_000_000));
        Http3ClientSession session = t.connect(true);
        ByteArrayOutputStream[] bodies = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
        List<CompletableFuture<Http3Result>> rs = List.of(Topology.get(session, "/bytes/" + SIZES[0], bodies[0]),
                Topology.get(session, "/bytes/" + SIZES[1], bodies[1]));
        t.net.runUntil(() -> bodies[0].size() + bodies[1].size() > 600_000, 30 * SECOND);

        InetSocketAddress victim = new InetSocketAddress("203.0.113.66", 443);
        long[] bytes = {0, 0}; // injected from the victim's address, sent to the victim
        int[] injections = {0};
        t.net.addTap(e -> {
            if (e.kind() == SimEvent.Kind.SENT && e.to().equals(victim)) {
                bytes[1] += e.data().length;
            } else if (e.kind() == SimEvent.Kind.SENT && e.from().equals(Topology.CLIENT) && injections[0] < 3) {
                injections[0]++; // an on-path attacker races copies from a forged source ahead of the originals
                byte[] copy = e.data().clone();
                bytes[0] += copy.length;
                t.net.schedule(e.time(), () -> t.lb.onDatagram(copy, 0, copy.length, victim, t.net.now()));
            }
        });
        t.net.runUntil(() -> rs.stream().allMatch(CompletableFuture::isDone), 60 * SECOND);

        for (int i = 0; i < SIZES.length; i++) {
            assertThat(Topology.matchesSynthetic(bodies[i].toByteArray(), SIZES[i])).as("body %d", i).isTrue();
        }
        assertThat(injections[0]).isEqualTo(3);
        assertThat(bytes[1]).as("bytes sent to the forged address").isPositive().isLessThanOrEqualTo(3 * bytes[0]);
        assertThat(t.lb.stats().peerAddressValidations).isZero();
        assertThat(t.lb.stats().peerAddressUpdates).isZero();
        assertThat(t.servers.stream().mapToLong(s -> s.counters().peerAddressUpdates).sum()).isZero();
        assertThat(t.lb.clientConnections().get(0).validatedPeerAddress()).isEqualTo(Topology.CLIENT);
    }
}
