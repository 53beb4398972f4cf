package org.qdsr.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.qdsr.http3.session.Http3ClientSession;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.sim.LinkConditions;
import org.qdsr.rs.RealServerCore;

/**
 * Admission control of the VIP (RFC 9000 §8.1.2 Retry, the connection limit), on the in-memory
 * network with 5 ms links: a connection that went through a Retry is served in every delivery
 * mode (the handoff carries the connection IDs chosen after the Retry), Retry starts at the
 * configured number of handshakes in progress, and the limit keeps a new client out.
 */
class AdmissionTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int[] SIZES = {400_000, 150_000, 20_000, 1};

    @ParameterizedTest
    @CsvSource({"AUTO, true, isolated", "AUTO, false, instructed", "PROXY, false, proxy"})
    void afterARetryEveryDeliveryModeServesByteExact(LoadBalancerCore.Mode mode, boolean serverPaths, String delivery)
            throws Exception {
        Topology t = topology(91, LoadBalancerCore.Settings.defaults().withMode(mode).withRetryThreshold(0));
        Http3ClientSession session = t.connect(serverPaths);
        List<ByteArrayOutputStream> bodies = new ArrayList<>();
        List<CompletableFuture<Http3Result>> results = new ArrayList<>();
        for (int size : SIZES) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            bodies.add(body);
            results.add(Topology.get(session, "/bytes/" + size, body));
        }
        t.net.runUntil(() -> results.stream().allMatch(CompletableFuture::isDone), 30 * SECOND);

        for (int i = 0; i < SIZES.length; i++) {
            assertThat(results.get(i).get().response().status()).isEqualTo(200);
            assertThat(Topology.matchesSynthetic(bodies.get(i).toByteArray(), SIZES[i])).as("body %d", i).isTrue();
        }
        assertThat(t.lb.endpoint().retriesSent()).as("one Retry, then the validated Initial").isEqualTo(1);
        LbMetrics m = t.lb.stats();
        long handoffs = switch (delivery) {
            case "isolated" -> m.handoffsIsolated;
            case "instructed" -> m.handoffsInstructed;
            default -> m.handoffsProxy;
        };
        assertThat(handoffs).as(delivery + " handoffs").isEqualTo(SIZES.length);
        assertThat(t.lb.endpoint().handshakesInProgress()).isZero();
    }

    @Test
    void retryStartsAtTheThresholdOfHandshakesInProgress() throws Exception {
        Topology t = topology(92, LoadBalancerCore.Settings.defaults().withRetryThreshold(2));
        List<CompletableFuture<Http3Result>> results = new ArrayList<>();
        for (int i = 0; i < 3; i++) { // three Initials arrive before any handshake completes
            results.add(Topology.get(t.connect(true), "/bytes/1000", new ByteArrayOutputStream()));
        }
        t.net.runUntil(() -> results.stream().allMatch(CompletableFuture::isDone), 30 * SECOND);
        for (CompletableFuture<Http3Result> r : results) {
            assertThat(r.get().response().status()).isEqualTo(200);
        }
        assertThat(t.lb.endpoint().retriesSent()).as("only the third client").isEqualTo(1);
        assertThat(t.lb.endpoint().handshakesInProgress()).isZero();

        var late = Topology.get(t.connect(true), "/bytes/1000", new ByteArrayOutputStream());
        t.net.runUntil(late::isDone, 30 * SECOND);
        assertThat(late.get().response().status()).isEqualTo(200);
        assertThat(t.lb.endpoint().retriesSent()).as("no handshake in progress: no Retry").isEqualTo(1);
    }

    @Test
    void beyondMaxConnectionsANewClientIsKeptOutUntilOneCloses() throws Exception {
        Topology t = topology(93, LoadBalancerCore.Settings.defaults().withMaxConnections(1));
        var first = Topology.get(t.connect(true), "/bytes/1000", new ByteArrayOutputStream());
        t.net.runUntil(first::isDone, 30 * SECOND);
        QuicConnection firstClient = t.lastClient;
        var second = Topology.get(t.connect(true), "/bytes/1000", new ByteArrayOutputStream());
        QuicConnection secondClient = t.lastClient;
        t.net.runFor(2 * SECOND);

        assertThat(second).as("kept out while the first is open").isNotDone();
        assertThat(secondClient.isEstablished()).isFalse();
        assertThat(t.lb.endpoint().connectionsOverLimit()).as("its Initials were dropped").isPositive();
        assertThat(t.lb.connectionCount()).isEqualTo(1);

        firstClient.close(0, "done", t.net.now());
        t.client.poke(t.net.now());
        t.net.runUntil(second::isDone, 30 * SECOND);
        assertThat(second.get().response().status()).as("served once the first closed").isEqualTo(200);
    }

    /**
     * One connection per client: a second one from the same address gets a Retry (its address
     * unproven, it takes no place), then, with its address proven, CONNECTION_REFUSED; a client at
     * another address is served meanwhile, and the first client's place is free once it closes.
     */
    @Test
    void aClientAtItsLimitIsRefusedWhileOthersAreServed() throws Exception {
        Topology t = topology(94, LoadBalancerCore.Settings.defaults().withMaxConnectionsPerClient(1));
        var first = Topology.get(t.connect(true), "/bytes/1000", new ByteArrayOutputStream());
        t.net.runUntil(first::isDone, 30 * SECOND);
        QuicConnection firstClient = t.lastClient;
        assertThat(first.get().response().status()).isEqualTo(200);

        var second = Topology.get(t.connect(true), "/bytes/1000", new ByteArrayOutputStream());
        QuicConnection secondClient = t.lastClient;
        var other = Topology.get(t.connectFrom(new java.net.InetSocketAddress("198.18.1.3", 50000), true),
                "/bytes/1000", new ByteArrayOutputStream());
        t.net.runUntil(() -> second.isDone() && other.isDone(), 30 * SECOND);
        assertThat(second).as("the same client again").isCompletedExceptionally();
        assertThat(secondClient.closeReason().errorCode()).as("CONNECTION_REFUSED")
                .isEqualTo(org.qdsr.quic.TransportError.CONNECTION_REFUSED.code());
        assertThat(t.lb.endpoint().retriesSent()).as("its first Initial got a Retry").isEqualTo(1);
        assertThat(t.lb.endpoint().connectionsOverClientLimit()).isEqualTo(1);
        assertThat(other.get().response().status()).as("another client is served").isEqualTo(200);

        firstClient.close(0, "done", t.net.now());
        t.client.poke(t.net.now());
        t.net.runFor(SECOND);
        var third = Topology.get(t.connect(true), "/bytes/1000", new ByteArrayOutputStream());
        t.net.runUntil(third::isDone, 30 * SECOND);
        assertThat(third.get().response().status()).as("the place is free again").isEqualTo(200);
    }

    /** Two handshakes of one client at once, neither address proven at first: the one that completes second is refused. */
    @Test
    void concurrentHandshakesOfOneClientTakeOnePlace() throws Exception {
        Topology t = topology(95, LoadBalancerCore.Settings.defaults().withMaxConnectionsPerClient(1));
        var a = Topology.get(t.connect(true), "/bytes/1000", new ByteArrayOutputStream());
        var b = Topology.get(t.connect(true), "/bytes/1000", new ByteArrayOutputStream());
        t.net.runUntil(() -> a.isDone() && b.isDone(), 30 * SECOND);
        assertThat(List.of(a, b)).filteredOn(f -> !f.isCompletedExceptionally()).hasSize(1);
        assertThat(t.lb.endpoint().connectionsOverClientLimit()).isEqualTo(1);
        assertThat(t.lb.endpoint().retriesSent()).as("no Retry: neither was at the limit on arrival").isZero();
        t.net.runFor(SECOND); // the refused one's closing period ends
        assertThat(t.lb.connectionCount()).isEqualTo(1);
    }

    private static Topology topology(long seed, LoadBalancerCore.Settings settings) {
        Topology t = new Topology(seed, 2, settings, i -> RealServerCore.Config.defaults());
        t.net.setDefaultConditions(LinkConditions.delay(5_000_000));
        return t;
    }
}
