package org.qdsr.quic.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.qdsr.quic.sim.FakeEndpoints.addr;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.sim.FakeEndpoints.CountingSender;
import org.qdsr.quic.sim.FakeEndpoints.Echo;
import org.qdsr.quic.sim.FakeEndpoints.Received;
import org.qdsr.quic.sim.FakeEndpoints.Recorder;

class SimNetworkTest {
    static final InetSocketAddress CLIENT = addr("10.0.0.1", 5000);
    static final InetSocketAddress SERVER = addr("10.0.0.2", 443);
    static final long MS = 1_000_000L;

    @Test
    void pingPongHonoursDelayExactlyInBothDirections() {
        SimNetwork net = SimNetwork.seeded(1);
        net.setConditions(CLIENT, SERVER, LinkConditions.delay(5 * MS));
        net.setConditions(SERVER, CLIENT, LinkConditions.delay(7 * MS));
        Recorder client = new Recorder();
        Echo server = new Echo();
        net.attach(CLIENT, client);
        net.attach(SERVER, server);
        long t0 = net.now();
        client.queue(new byte[] {1, 2, 3}, SERVER);

        long elapsed = net.runUntil(() -> !client.received.isEmpty(), 10_000 * MS);

        assertThat(server.received).singleElement().satisfies(r -> {
            assertThat(r.time()).isEqualTo(t0 + 5 * MS);
            assertThat(r.from()).isEqualTo(CLIENT);
        });
        assertThat(client.received).singleElement().satisfies(r -> {
            assertThat(r.time()).isEqualTo(t0 + 12 * MS);
            assertThat(r.from()).isEqualTo(SERVER);
            assertThat(r.data()).containsExactly(1, 2, 3);
        });
        assertThat(elapsed).isEqualTo(12 * MS);
        assertThat(net.stats().deliveredDatagrams()).isEqualTo(2);
    }

    @Test
    void lossRateIsStatisticallyRight() {
        SimNetwork net = SimNetwork.seeded(42);
        net.setDefaultConditions(LinkConditions.delay(MS).withLoss(0.1));
        Recorder server = new Recorder();
        CountingSender client = new CountingSender(SERVER, 10_000, 100, 0);
        net.attach(CLIENT, client);
        net.attach(SERVER, server);

        net.runUntil(() -> false, 1000 * MS);

        assertThat(client.sent()).isEqualTo(10_000);
        assertThat(net.stats().lostDatagrams()).isBetween(900L, 1100L);
        assertThat(server.received.size() + net.stats().lostDatagrams()).isEqualTo(10_000);
        assertThat(net.stats().sentBytes(CLIENT)).isEqualTo(1_000_000);
    }

    @Test
    void reorderingLetsLaterDatagramsOvertake() {
        SimNetwork net = SimNetwork.seeded(7);
        net.setDefaultConditions(LinkConditions.delay(10 * MS).withReordering(0.1));
        Recorder server = new Recorder();
        net.attach(CLIENT, new CountingSender(SERVER, 1000, 50, 100_000));
        net.attach(SERVER, server);

        net.runUntil(() -> server.received.size() == 1000, 10_000 * MS);

        List<Integer> seqs = server.seqs();
        assertThat(seqs).hasSize(1000).containsExactlyInAnyOrderElementsOf(range(1000));
        assertThat(seqs).isNotEqualTo(range(1000));
        assertThat(net.stats().reorderedDatagrams()).isBetween(50L, 150L);
    }

    @Test
    void duplicatesAreDeliveredTwice() {
        SimNetwork net = SimNetwork.seeded(3);
        net.setDefaultConditions(LinkConditions.delay(MS).withDuplicates(0.2));
        Recorder server = new Recorder();
        net.attach(CLIENT, new CountingSender(SERVER, 1000, 20, 0));
        net.attach(SERVER, server);

        net.runUntil(() -> false, 1000 * MS);

        long dups = net.stats().duplicatedDatagrams();
        assertThat(dups).isBetween(150L, 250L);
        assertThat(server.received).hasSize(1000 + (int) dups);
        assertThat(new HashSet<>(server.seqs())).hasSize(1000);
    }

    @Test
    void corruptionFlipsExactlyOneBit() {
        SimNetwork net = SimNetwork.seeded(5);
        net.setDefaultConditions(LinkConditions.PERFECT.withCorruption(1.0));
        Recorder server = new Recorder();
        Recorder client = new Recorder();
        net.attach(CLIENT, client);
        net.attach(SERVER, server);
        byte[] original = new byte[64];
        for (int i = 0; i < 100; i++) {
            client.queue(original.clone(), SERVER);
        }

        net.runUntil(() -> false, 1000 * MS);

        assertThat(server.received).hasSize(100);
        Set<Integer> flippedBits = new HashSet<>();
        for (Received r : server.received) {
            int differing = 0;
            for (int i = 0; i < original.length; i++) {
                int x = (r.data()[i] ^ original[i]) & 0xff;
                differing += Integer.bitCount(x);
                if (x != 0) {
                    flippedBits.add(i * 8 + Integer.numberOfTrailingZeros(x));
                }
            }
            assertThat(differing).isEqualTo(1);
        }
        assertThat(flippedBits).hasSizeGreaterThan(50);
        assertThat(net.stats().corruptedDatagrams()).isEqualTo(100);
    }

    @Test
    void bandwidthLimitSpacesDeliveriesAndQueueLimitDrops() {
        SimNetwork net = SimNetwork.seeded(9);
        // 1 MB/s: a 1000-byte datagram takes exactly 1 ms to serialise; 10 fit in the queue
        net.setDefaultConditions(LinkConditions.delay(2 * MS).withBandwidth(1_000_000, 10_000));
        Recorder server = new Recorder();
        net.attach(CLIENT, new CountingSender(SERVER, 50, 1000, 0));
        net.attach(SERVER, server);
        long t0 = net.now();

        net.runUntil(() -> false, 1000 * MS);

        assertThat(server.received).hasSize(10);
        for (int i = 0; i < 10; i++) {
            assertThat(server.received.get(i).time()).isEqualTo(t0 + (i + 1) * MS + 2 * MS);
            assertThat(server.received.get(i).seq()).isEqualTo(i);
        }
        assertThat(net.stats().queueDroppedDatagrams()).isEqualTo(40);
    }

    @Test
    void sameSeedGivesSameTraceAndDifferentSeedDoesNot() {
        assertThat(trace(11)).isEqualTo(trace(11));
        assertThat(trace(11)).isNotEqualTo(trace(12));
    }

    private static List<String> trace(long seed) {
        SimNetwork net = SimNetwork.seeded(seed);
        net.setDefaultConditions(new LinkConditions(3 * MS, 2 * MS, 0.05, 0.05, 0.05, 0.05, 10_000_000, 50_000));
        List<String> events = new ArrayList<>();
        net.addTap(e -> events.add(e.toString()));
        net.attach(CLIENT, new CountingSender(SERVER, 300, 200, 50_000));
        net.attach(SERVER, new Echo());
        net.runUntil(() -> false, 10_000 * MS);
        assertThat(events).hasSizeGreaterThan(500);
        return events;
    }

    @Test
    void spoofedSourceAndSendOnlyNode() {
        InetSocketAddress vip = addr("192.0.2.1", 443);
        InetSocketAddress realServer = addr("10.0.1.1", 443);
        SimNetwork net = SimNetwork.seeded(1);
        Recorder lb = new Recorder();
        Echo dsrServer = new Echo();
        Recorder client = new Recorder();
        Recorder sendOnly = new Recorder();
        net.attach(vip, lb);
        SimNode rs = net.attach("rs1", dsrServer, vip, realServer);
        net.attach(CLIENT, client);
        SimNode spammer = net.attachSender("spammer", sendOnly, addr("10.9.9.9", 1));
        assertThat(rs.receiveAddresses()).containsExactly(realServer);
        assertThat(spammer.receiveAddresses()).isEmpty();

        client.queue(new byte[] {42}, realServer);
        sendOnly.queue(new byte[] {1}, CLIENT);
        net.runUntil(() -> false, 1000 * MS);

        assertThat(client.received).extracting(Received::from)
                .containsExactlyInAnyOrder(vip, addr("10.9.9.9", 1));
        assertThat(lb.received).isEmpty();
        assertThat(net.stats().sentBytes(vip)).isEqualTo(1);
        assertThat(rs.sentBytes()).isEqualTo(1);
        assertThat(net.nodeAt(vip).sentBytes()).isZero();
    }

    @Test
    void severalAddressesMapToOneEndpoint() {
        SimNetwork net = SimNetwork.seeded(1);
        Recorder server = new Recorder();
        Recorder client = new Recorder();
        SimNode a = net.attach(SERVER, server);
        SimNode b = net.attach(addr("10.0.0.3", 443), server);
        net.attach(CLIENT, client);
        List<SimEvent.Kind> kinds = new ArrayList<>();
        net.addTap(e -> kinds.add(e.kind()));
        client.queue(new byte[] {1}, SERVER);
        client.queue(new byte[] {2}, addr("10.0.0.3", 443));
        client.queue(new byte[] {3}, addr("10.0.0.4", 443));

        net.runUntil(() -> false, 1000 * MS);

        assertThat(a).isSameAs(b);
        assertThat(server.received).hasSize(2);
        assertThat(net.stats().undeliverableDatagrams()).isEqualTo(1);
        assertThat(kinds).filteredOn(k -> k == SimEvent.Kind.SENT).hasSize(3);
        assertThat(kinds).filteredOn(k -> k == SimEvent.Kind.DELIVERED).hasSize(2);
        assertThat(kinds).filteredOn(k -> k == SimEvent.Kind.UNDELIVERABLE).hasSize(1);
        assertThatThrownBy(() -> net.attach(SERVER, new Recorder())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void endpointWhoseDeadlineNeverMovesIsALivelock() {
        SimNetwork net = SimNetwork.seeded(1);
        net.attach(CLIENT, new Recorder() {
            @Override
            public long nextDeadline() {
                return 0;
            }
        });

        assertThatThrownBy(() -> net.runUntil(() -> false, 1000 * MS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("livelock")
                .hasMessageContaining(CLIENT.toString());
    }

    @Test
    void runUntilStopsWhenIdleOrAtTheLimit() {
        SimNetwork net = SimNetwork.seeded(1);
        net.attach(CLIENT, new Recorder());
        assertThat(net.runUntil(() -> false, 1000 * MS)).isZero();
        assertThat(net.step()).isFalse();

        Recorder server = new Recorder();
        net.attach(SERVER, server);
        SimNode sender = net.attach("ticker", new CountingSender(SERVER, 1_000_000, 10, MS), addr("10.0.0.5", 1));
        long elapsed = net.runUntil(() -> false, 100 * MS);
        assertThat(elapsed).isEqualTo(100 * MS);
        assertThat(sender.sentDatagrams()).isEqualTo(101);

        net.runFor(5 * MS);
        assertThat(server.received).hasSize(106);
    }

    @Test
    void scheduledActionsRunAtTheirTimeAndPerPathConditionsOverrideDefault() {
        SimNetwork net = SimNetwork.seeded(1);
        net.setDefaultConditions(LinkConditions.PERFECT.withLoss(1.0));
        net.setConditions(CLIENT, SERVER, LinkConditions.delay(MS));
        Recorder client = new Recorder();
        Echo server = new Echo();
        net.attach(CLIENT, client);
        net.attach(SERVER, server);
        long t0 = net.now();
        List<Long> ran = new ArrayList<>();
        net.schedule(t0 + 3 * MS, () -> {
            ran.add(net.now());
            client.queue(new byte[] {9}, SERVER);
        });

        net.runUntil(() -> false, 1000 * MS);

        assertThat(ran).containsExactly(t0 + 3 * MS);
        assertThat(server.received).extracting(Received::time).containsExactly(t0 + 4 * MS);
        assertThat(client.received).isEmpty();
        assertThat(net.stats().lostDatagrams()).isEqualTo(1);
    }

    @Test
    void rebindMovesANode() {
        SimNetwork net = SimNetwork.seeded(1);
        Recorder client = new Recorder();
        Echo server = new Echo();
        SimNode c = net.attach(CLIENT, client);
        net.attach(SERVER, server);
        InetSocketAddress moved = addr("10.0.0.99", 6000);
        net.rebind(c, moved);
        client.queue(new byte[] {1}, SERVER);

        net.runUntil(() -> false, 1000 * MS);

        assertThat(server.received).extracting(Received::from).containsExactly(moved);
        assertThat(client.received).hasSize(1);
        assertThat(net.nodeAt(CLIENT)).isNull();
    }

    @Test
    void jitterStaysWithinItsBound() {
        SimNetwork net = SimNetwork.seeded(13);
        net.setDefaultConditions(LinkConditions.delay(10 * MS).withJitter(4 * MS));
        Recorder server = new Recorder();
        net.attach(CLIENT, new CountingSender(SERVER, 500, 10, MS));
        net.attach(SERVER, server);
        long t0 = net.now();

        net.runUntil(() -> false, 10_000 * MS);

        assertThat(server.received).hasSize(500);
        Set<Long> extra = new HashSet<>();
        for (Received r : server.received) {
            long e = r.time() - (t0 + r.seq() * MS) - 10 * MS;
            assertThat(e).isBetween(0L, 4 * MS);
            extra.add(e);
        }
        assertThat(extra).hasSizeGreaterThan(400);
    }

    private static List<Integer> range(int n) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(i);
        }
        return l;
    }
}
