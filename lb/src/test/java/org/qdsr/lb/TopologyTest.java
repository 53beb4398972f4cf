package org.qdsr.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.qdsr.http3.session.Http3ClientSession;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.quic.sim.LinkConditions;

/** Client, load balancer and three real servers on the virtual network, with loss and reordering. */
class TopologyTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int STREAMS = 50;

    private record Fetch(int size, ByteArrayOutputStream body, CompletableFuture<Http3Result> result) {
    }

    private static List<Fetch> fetchAll(Topology t, Http3ClientSession s) {
        List<Fetch> fetches = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            int size = (i % 5 == 0) ? 400_000 + i * 1000 : 1000 + i * 3000;
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            fetches.add(new Fetch(size, body, Topology.get(s, "/bytes/" + size, body)));
        }
        t.net.runUntil(() -> fetches.stream().allMatch(f -> f.result.isDone()), 120 * SECOND);
        return fetches;
    }

    private static long totalBytes(List<Fetch> fetches) {
        return fetches.stream().mapToLong(Fetch::size).sum();
    }

    /** A path without a canonical form gets 400 from the LB itself; other streams are served. */
    @Test
    void aPathWithoutCanonicalFormGets400FromTheLb() throws Exception {
        Topology t = new Topology(79, 2, LoadBalancerCore.Mode.ISOLATED);
        t.net.setDefaultConditions(LinkConditions.delay(5_000_000));
        Http3ClientSession session = t.connect(true);
        List<java.util.concurrent.CompletableFuture<org.qdsr.http3.session.Http3Result>> rs = new ArrayList<>();
        for (String path : List.of("/bytes%2F100", "/../bytes/100", "/bytes/%zz", "/%62ytes//100")) {
            rs.add(Topology.get(session, path, new ByteArrayOutputStream()));
        }
        t.net.runUntil(() -> rs.stream().allMatch(java.util.concurrent.CompletableFuture::isDone), 30 * SECOND);
        assertThat(rs.subList(0, 3)).allSatisfy(r -> assertThat(r.get().response().status()).isEqualTo(400));
        assertThat(rs.get(3).get().response().status()).isEqualTo(200);
        assertThat(rs.get(3).get().bodyBytes()).isEqualTo(100);
        assertThat(t.lb.stats().badPaths).isEqualTo(3);
        assertThat(t.lb.stats().handoffsIsolated).isEqualTo(1);
    }

    /**
     * Our client closes the connection right after the last byte, before its final ACK reaches
     * the real server, so the server's report comes after the LB forgot the connection: what the
     * server sent must still count in the per-backend reported bytes ({@code
     * qdsr_lb_backend_reported_bytes_total} read about a thousand times too low).
     */
    @Test
    void reportsAfterTheClientClosedStillCountPerBackend() throws Exception {
        Topology t = new Topology(78, 2, LoadBalancerCore.Mode.ISOLATED);
        t.net.setDefaultConditions(LinkConditions.delay(5_000_000));
        Http3ClientSession session = t.connect(true);
        int size = 300_000;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        java.util.concurrent.CompletableFuture<org.qdsr.http3.session.Http3Result> r =
                Topology.get(session, "/bytes/" + size, body);
        t.net.runUntil(r::isDone, 30 * SECOND);
        assertThat(r.get().bodyBytes()).isEqualTo(size);
        assertThat(t.lb.takeInstructedActivity()).as("isolated: the LB is off the data path (its loop may coalesce)")
                .isFalse();
        t.lastClient.close(0, "done", t.net.now());
        t.client.poke(t.net.now());
        t.net.runFor(3 * SECOND);
        assertThat(t.lb.connectionCount()).isZero();
        long reported = t.lb.backends().stream().mapToLong(Backend::bytesReported).sum();
        assertThat(reported).as("bytes the real servers reported").isGreaterThanOrEqualTo(size);
        assertThat(t.lb.backends()).allSatisfy(b -> assertThat(b.outstanding()).isZero());
    }

    /**
     * The same in instructed mode: streams the client had not acknowledged when it closed are
     * reported by their real servers after the LB forgot the connection; each response counts
     * once, whether the LB learned its size from the client's ACKs or from the late report.
     */
    @Test
    void instructedReportsAfterTheClientClosedStillCountPerBackendOnce() throws Exception {
        Topology t = new Topology(81, 2, LoadBalancerCore.Mode.INSTRUCTED);
        t.net.setDefaultConditions(LinkConditions.delay(5_000_000));
        Http3ClientSession session = t.connect(false);
        int[] sizes = {300_000, 120_000, 50_000, 1_000};
        List<CompletableFuture<Http3Result>> rs = new ArrayList<>();
        for (int size : sizes) {
            rs.add(Topology.get(session, "/bytes/" + size, new ByteArrayOutputStream()));
        }
        t.net.runUntil(() -> rs.stream().allMatch(CompletableFuture::isDone), 30 * SECOND);
        long total = 0;
        for (int i = 0; i < sizes.length; i++) {
            assertThat(rs.get(i).get().bodyBytes()).isEqualTo(sizes[i]);
            total += sizes[i];
        }
        assertThat(t.lb.takeInstructedActivity()).as("instructed: on the data path (its loop must not coalesce)")
                .isTrue();
        assertThat(t.lb.takeInstructedActivity()).as("cleared once taken").isFalse();
        t.lastClient.close(0, "done", t.net.now());
        t.client.poke(t.net.now());
        t.net.runFor(3 * SECOND);
        assertThat(t.lb.connectionCount()).isZero();
        assertThat(t.lb.stats().handoffsInstructed).isEqualTo(sizes.length);
        long reported = t.lb.backends().stream().mapToLong(Backend::bytesReported).sum();
        // a response's bytes are its HTTP/3 frames: the body plus a few bytes of HEADERS and DATA framing
        assertThat(reported).as("bytes the real servers sent, counted once each")
                .isGreaterThanOrEqualTo(total).isLessThan(total + 200L * sizes.length);
        assertThat(t.lb.backends()).allSatisfy(b -> assertThat(b.outstanding()).isZero());
    }

    /**
     * A response the client stopped (STOP_SENDING) while the connection goes on: the real server
     * reports what it sent after the LB already let go of the stream; those bytes count too, in
     * isolated and instructed mode alike.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void stoppedResponsesCountWhatTheRealServerSent(boolean serverPaths) throws Exception {
        Topology t = new Topology(82, 1, LoadBalancerCore.Mode.AUTO);
        t.net.setDefaultConditions(LinkConditions.delay(5_000_000));
        Http3ClientSession session = t.connect(serverPaths);
        ByteArrayOutputStream stopped = new ByteArrayOutputStream();
        Topology.get(session, "/bytes/3000000", stopped);
        t.net.runUntil(() -> stopped.size() > 200_000, 30 * SECOND);
        t.lastClient.stopSending(0, org.qdsr.http3.Http3Error.H3_REQUEST_CANCELLED.code());
        t.client.poke(t.net.now());
        t.net.runFor(SECOND);
        int size = 10_000;
        CompletableFuture<Http3Result> r = Topology.get(session, "/bytes/" + size, new ByteArrayOutputStream());
        t.net.runUntil(r::isDone, 30 * SECOND);
        t.net.runFor(SECOND);
        assertThat(r.get().bodyBytes()).isEqualTo(size);
        assertThat(t.lb.connectionCount()).as("the connection goes on").isEqualTo(1);
        Backend b = t.lb.backends().get(0);
        assertThat(b.outstanding()).isZero();
        assertThat(b.bytesReported()).as("bytes of the stopped and the finished response")
                .isGreaterThanOrEqualTo(stopped.size() + size);
    }

    @ParameterizedTest
    @EnumSource(value = LoadBalancerCore.Mode.class, names = {"AUTO", "PROXY"})
    void fiftyStreamsOnOneConnectionAreServedByAllRealServersByteExact(LoadBalancerCore.Mode mode) throws Exception {
        Topology t = new Topology(77, 3, mode);
        t.net.setDefaultConditions(LinkConditions.delay(5_000_000).withLoss(0.01).withReordering(0.01));
        Http3ClientSession session = t.connect(true);
        List<Fetch> fetches = fetchAll(t, session);

        for (Fetch f : fetches) {
            assertThat(f.result).isCompleted();
            assertThat(f.result.get().response().status()).isEqualTo(200);
            assertThat(Topology.matchesSynthetic(f.body.toByteArray(), f.size)).as("body of %d bytes", f.size).isTrue();
        }
        for (Backend b : t.lb.backends()) {
            assertThat(b.handoffs()).as("handoffs to %s", b.name()).isPositive();
        }
        long total = totalBytes(fetches);
        long lbBytes = t.lbNode.sentBytes();
        long rsBytes = t.serverNodes.stream().mapToLong(n -> n.sentBytes()).sum();
        if (mode == LoadBalancerCore.Mode.AUTO) {
            assertThat(t.lb.stats().handoffsIsolated).isEqualTo(STREAMS);
            // PATH_ACKs held at the LB are merged, never multiplied (with ACK_FREQUENCY the client's
            // PATH_ACKs arrive several ms apart, so there is often nothing to merge)
            assertThat(t.lb.stats().acksForwarded).isPositive().isLessThanOrEqualTo(t.lb.stats().pathAcksReceived);
            assertThat(t.lb.stats().ackFrequencyFrames).as("ACK_FREQUENCY requests to our client").isPositive();
            for (org.qdsr.rs.RealServerCore rs : t.servers) {
                assertThat(rs.counters().badAcks).as("merged ACKs the real servers refused").isZero();
            }
            assertThat(lbBytes).as("LB bytes vs %d response bytes", total).isLessThan(total / 50);
            assertThat(rsBytes).isGreaterThan(total);
        } else {
            assertThat(t.lb.stats().handoffsProxy).isEqualTo(STREAMS);
            assertThat(rsBytes).isZero();
            assertThat(lbBytes).isGreaterThan(total);
        }
    }

    /** Client-initiated key updates reach isolated (our client) and instructed (any client) real servers. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void realServersFollowKeyUpdatesTheClientStarts(boolean serverPaths) throws Exception {
        Topology t = new Topology(80, 2, LoadBalancerCore.Mode.AUTO);
        t.net.setDefaultConditions(LinkConditions.delay(3_000_000).withReordering(0.01));
        Http3ClientSession session = t.connect(serverPaths, org.qdsr.quic.connection.ConnectionConfig.defaults()
                .withKeyUpdateInterval(150));
        List<Fetch> fetches = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            fetches.add(new Fetch(600_000, body, Topology.get(session, "/bytes/600000", body)));
        }
        t.net.runUntil(() -> fetches.stream().allMatch(f -> f.result.isDone()), 60 * SECOND);
        for (Fetch f : fetches) {
            assertThat(f.result.get().response().status()).isEqualTo(200);
            assertThat(Topology.matchesSynthetic(f.body.toByteArray(), f.size)).isTrue();
        }
        assertThat(t.lastClient.keyGeneration()).as("client key generation").isPositive();
        assertThat(serverPaths ? t.lb.stats().handoffsIsolated : t.lb.stats().handoffsInstructed).isEqualTo(8);
        assertThat(t.lb.stats().instructionsFailed).as("packets refused for lack of keys").isZero();
    }

    @Test
    void connectionCreditIsSharedOnDemandWhenTheClientWindowIsSmall() throws Exception {
        Topology t = new Topology(81, 2, LoadBalancerCore.Mode.AUTO);
        t.net.setDefaultConditions(LinkConditions.delay(2_000_000));
        Http3ClientSession session = t.connect(true, org.qdsr.quic.connection.ConnectionConfig.defaults()
                .withFlowControl(1L << 20, 512L << 10));
        List<Fetch> fetches = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int size = i % 2 == 0 ? 3_000_000 : 20_000;
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            fetches.add(new Fetch(size, body, Topology.get(session, "/bytes/" + size, body)));
        }
        t.net.runUntil(() -> fetches.stream().allMatch(f -> f.result.isDone()), 60 * SECOND);
        for (Fetch f : fetches) {
            assertThat(f.result).as("%d bytes", f.size).isCompleted();
            assertThat(Topology.matchesSynthetic(f.body.toByteArray(), f.size)).isTrue();
        }
    }

    /**
     * An unmodified client (one packet-number space, no server paths): the LB numbers and
     * recovers every packet, the real servers fill, seal and send them (instructed mode).
     */
    @Test
    void fiftyStreamsOfAnUnmodifiedClientAreInstructedByteExact() throws Exception {
        Topology t = new Topology(78, 3, LoadBalancerCore.Mode.AUTO);
        t.net.setDefaultConditions(LinkConditions.delay(5_000_000).withLoss(0.01).withReordering(0.01));
        Http3ClientSession session = t.connect(false);
        List<Fetch> fetches = fetchAll(t, session);

        for (Fetch f : fetches) {
            assertThat(f.result).isCompleted();
            assertThat(f.result.get().response().status()).isEqualTo(200);
            assertThat(Topology.matchesSynthetic(f.body.toByteArray(), f.size)).as("body of %d bytes", f.size).isTrue();
        }
        t.net.runFor(SECOND); // the client's last ACKs reach the LB
        for (Backend b : t.lb.backends()) {
            assertThat(b.handoffs()).as("handoffs to %s", b.name()).isPositive();
            assertThat(b.outstanding()).as("streams still counted at %s", b.name()).isZero();
        }
        assertThat(t.lastClient.multipathNegotiated()).isFalse();
        assertThat(t.lb.stats().handoffsInstructed).isEqualTo(STREAMS);
        assertThat(t.lb.stats().handoffsProxy).isZero();
        long total = totalBytes(fetches);
        long lbBytes = t.lbNode.sentBytes();
        long rsBytes = t.serverNodes.stream().mapToLong(n -> n.sentBytes()).sum();
        assertThat(lbBytes).as("LB bytes vs %d response bytes", total).isLessThan(total / 50);
        assertThat(rsBytes).isGreaterThan(total);
        assertThat(t.lb.stats().instructionsSent).isGreaterThan(total / 1400);
    }

    @Test
    void instructedRealServersFollowTheLoadBalancersKeyUpdates() throws Exception {
        Topology t = new Topology(82, 2, LoadBalancerCore.Mode.AUTO,
                org.qdsr.quic.connection.ConnectionConfig.defaults().withKeyUpdateInterval(200));
        t.net.setDefaultConditions(LinkConditions.delay(3_000_000).withLoss(0.005));
        Http3ClientSession session = t.connect(false);
        List<Fetch> fetches = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            fetches.add(new Fetch(700_000, body, Topology.get(session, "/bytes/700000", body)));
        }
        t.net.runUntil(() -> fetches.stream().allMatch(f -> f.result.isDone()), 60 * SECOND);
        for (Fetch f : fetches) {
            assertThat(f.result.get().response().status()).isEqualTo(200);
            assertThat(Topology.matchesSynthetic(f.body.toByteArray(), f.size)).isTrue();
        }
        assertThat(t.lastClient.keyGeneration()).as("client followed the LB's key updates").isGreaterThan(1);
        assertThat(t.lb.stats().handoffsInstructed).isEqualTo(6);
    }

    /** A real server that refuses (here: overloaded) does not fail the request: another one serves it. */
    @Test
    void instructedRequestsRejectedByOneRealServerAreServedByAnother() throws Exception {
        var full = org.qdsr.rs.RealServerCore.Config.defaults().withMaxStreams(0);
        Topology t = new Topology(85, 2, LoadBalancerCore.Mode.AUTO, org.qdsr.quic.connection.ConnectionConfig.defaults(),
                i -> i == 0 ? full : org.qdsr.rs.RealServerCore.Config.defaults());
        t.net.setDefaultConditions(LinkConditions.delay(2_000_000));
        Http3ClientSession session = t.connect(false);
        fetchAll(t, session, 6, 50_000, 30);
        t.net.runFor(SECOND); // the last ACKs reach the LB, the final releases reach rs1
        assertThat(t.lb.stats().handoffRetries).as("rs0 refused its share").isEqualTo(3);
        assertThat(t.lb.stats().streamsFailed).isZero();
        assertThat(t.servers.get(1).counters().finished).isEqualTo(6);
    }

    /**
     * Isolated and proxy mode too: a real server that refuses a handoff before sending anything
     * (here: overloaded) does not fail the request; the LB hands it to another real server (in
     * isolated mode exporting the stream again, on that server's path), which serves it byte-exact.
     */
    @ParameterizedTest
    @EnumSource(value = LoadBalancerCore.Mode.class, names = {"ISOLATED", "PROXY"})
    void requestsRejectedByOneRealServerAreServedByAnother(LoadBalancerCore.Mode mode) throws Exception {
        var full = org.qdsr.rs.RealServerCore.Config.defaults().withMaxStreams(0);
        Topology t = new Topology(86, 2, mode, org.qdsr.quic.connection.ConnectionConfig.defaults(),
                i -> i == 0 ? full : org.qdsr.rs.RealServerCore.Config.defaults());
        t.net.setDefaultConditions(LinkConditions.delay(2_000_000).withLoss(0.02));
        List<LbAccessLog.Entry> lines = new ArrayList<>();
        t.lb.setAccessLog(lines::add);
        Http3ClientSession session = t.connect(true);
        fetchAll(t, session, 6, 150_000, 60);
        t.net.runFor(SECOND);
        assertThat(mode == LoadBalancerCore.Mode.PROXY ? t.lb.stats().handoffsProxy : t.lb.stats().handoffsIsolated)
                .isEqualTo(9);
        assertThat(t.lb.stats().handoffRetries).as("rs0 refused its share").isEqualTo(3);
        assertThat(t.lb.stats().streamsFailed).isZero();
        assertThat(t.servers.get(0).counters().rejected).isEqualTo(3);
        assertThat(t.servers.get(1).counters().finished).isEqualTo(6);
        assertThat(lines).as("one access-log line per request, naming the server that served it").hasSize(6)
                .allSatisfy(e -> {
                    assertThat(e.backend()).isEqualTo("rs1");
                    assertThat(e.outcome()).isEqualTo("finished");
                    assertThat(e.status()).isEqualTo(200);
                });
        assertThat(t.lb.backends()).allSatisfy(b -> assertThat(b.outstanding()).isZero());
    }

    /**
     * The client issued one path ID only: the real server that got it refuses an isolated
     * handoff, and the next one, with no path left for it, serves the request in instructed
     * mode, as a new request would go, instead of the stream being rejected.
     */
    @Test
    void anIsolatedRefusalGoesToARealServerWithoutAPathInInstructedMode() throws Exception {
        var full = org.qdsr.rs.RealServerCore.Config.defaults().withMaxStreams(0);
        Topology t = new Topology(89, 2, LoadBalancerCore.Mode.AUTO, org.qdsr.quic.connection.ConnectionConfig.defaults(),
                i -> i == 0 ? full : org.qdsr.rs.RealServerCore.Config.defaults());
        t.net.setDefaultConditions(LinkConditions.delay(2_000_000).withLoss(0.02));
        List<LbAccessLog.Entry> lines = new ArrayList<>();
        t.lb.setAccessLog(lines::add);
        Http3ClientSession session = t.connect(false, org.qdsr.quic.connection.ConnectionConfig.defaults()
                .withPaths(1, true));
        fetchAll(t, session, 4, 120_000, 60);
        t.net.runFor(SECOND);
        assertThat(t.lb.stats().handoffsIsolated).as("rs0 holds the one path; each request starts there or on rs1")
                .isPositive();
        assertThat(t.servers.get(0).counters().rejected).as("rs0 refused its share").isPositive();
        assertThat(t.lb.stats().handoffRetries).isEqualTo(t.servers.get(0).counters().rejected);
        assertThat(t.lb.stats().handoffsRejected).isZero();
        assertThat(t.lb.stats().handoffsInstructed).as("rs1 has no path: it instructs").isPositive();
        assertThat(t.lb.stats().streamsFailed).isZero();
        assertThat(t.servers.get(1).counters().finished).isEqualTo(4);
        assertThat(lines).hasSize(4).allSatisfy(e -> {
            assertThat(e.backend()).isEqualTo("rs1");
            assertThat(e.outcome()).isEqualTo("finished");
        });
        assertThat(t.lb.backends()).allSatisfy(b -> assertThat(b.outstanding()).isZero());
    }

    /**
     * A real server that keeps refusing is taken out of routing ({@link OutlierEjection}): after
     * its fifth refusal in a row the requests go straight to the other one, without a refusal and
     * a retry each, until the ejection ends and it is probed again.
     */
    @Test
    void aRealServerThatKeepsRefusingIsEjectedForAWhile() throws Exception {
        var full = org.qdsr.rs.RealServerCore.Config.defaults().withMaxStreams(0);
        Topology t = new Topology(88, 2, LoadBalancerCore.Mode.ISOLATED,
                org.qdsr.quic.connection.ConnectionConfig.defaults(),
                i -> i == 0 ? full : org.qdsr.rs.RealServerCore.Config.defaults());
        t.net.setDefaultConditions(LinkConditions.delay(2_000_000));
        Http3ClientSession session = t.connect(true);
        fetchAll(t, session, 12, 20_000, 30);
        assertThat(t.lb.stats().handoffRetries).as("round robin gave rs0 half").isEqualTo(6);
        assertThat(t.lb.backends().get(0).ejected()).isTrue();
        assertThat(t.lb.stats().backendEjections).isEqualTo(1);

        fetchAll(t, session, 6, 20_000, 30);
        assertThat(t.lb.stats().handoffRetries).as("ejected: nothing goes to rs0").isEqualTo(6);

        t.net.runFor(OutlierEjection.BASE_NANOS + SECOND);
        assertThat(t.lb.backends().get(0).routable()).as("the ejection is over").isTrue();
        fetchAll(t, session, 2, 20_000, 30);
        assertThat(t.lb.stats().handoffRetries).as("probed again").isGreaterThan(6);
        assertThat(t.lb.stats().streamsFailed).isZero();
    }

    /** {@code n} concurrent requests of {@code size}, {@code size + 1}, ... bytes; every one served byte-exact in time. */
    private static void fetchAll(Topology t, Http3ClientSession session, int n, int size0, int seconds)
            throws Exception {
        List<Fetch> fetches = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int size = size0 + i;
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            fetches.add(new Fetch(size, body, Topology.get(session, "/bytes/" + size, body)));
        }
        t.net.runUntil(() -> fetches.stream().allMatch(f -> f.result.isDone()), seconds * SECOND);
        for (Fetch f : fetches) {
            assertThat(f.result.get().response().status()).isEqualTo(200);
            assertThat(Topology.matchesSynthetic(f.body.toByteArray(), f.size)).isTrue();
        }
    }

    /** Every real server refuses: the stream is reset with H3_REQUEST_REJECTED, which tells the client nothing was processed. */
    @Test
    void anIsolatedRequestEveryRealServerRefusesIsRejectedNotFailed() throws Exception {
        var full = org.qdsr.rs.RealServerCore.Config.defaults().withMaxStreams(0);
        Topology t = new Topology(87, 2, LoadBalancerCore.Mode.ISOLATED, org.qdsr.quic.connection.ConnectionConfig.defaults(),
                i -> full);
        t.net.setDefaultConditions(LinkConditions.delay(2_000_000));
        List<LbAccessLog.Entry> lines = new ArrayList<>();
        t.lb.setAccessLog(lines::add);
        Http3ClientSession session = t.connect(true);
        var r = Topology.get(session, "/bytes/1000", new ByteArrayOutputStream());
        t.net.runUntil(r::isDone, 30 * SECOND);
        assertThat(r).failsWithin(java.time.Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withMessageContaining("H3_REQUEST_REJECTED");
        assertThat(t.lb.stats().handoffRetries).isEqualTo(1);
        assertThat(t.servers.get(0).counters().rejected + t.servers.get(1).counters().rejected).isEqualTo(2);
        var again = Topology.get(session, "/bytes/1000", new ByteArrayOutputStream());
        t.net.runUntil(again::isDone, 30 * SECOND);
        assertThat(again).as("the connection lives on: refused again, not closed").failsWithin(java.time.Duration.ZERO)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class).withMessageContaining("H3_REQUEST_REJECTED");
        assertThat(t.lastClient.isClosed()).isFalse();
        assertThat(lines).hasSize(2).allSatisfy(e -> {
            assertThat(e.outcome()).isEqualTo("failed");
            assertThat(e.reason()).isEqualTo("rejected");
        });
    }

    /** A real server near its key's confidentiality limit asks the LB, which owns the key phase. */
    @Test
    void keyUpdateRequestedByARealServerIsCarriedOutByTheLoadBalancer() throws Exception {
        Topology t = new Topology(86, 2, LoadBalancerCore.Mode.AUTO);
        t.net.setDefaultConditions(LinkConditions.delay(2_000_000));
        Http3ClientSession session = t.connect(true);
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        CompletableFuture<Http3Result> r1 = Topology.get(session, "/bytes/300000", first);
        t.net.runUntil(r1::isDone, 30 * SECOND);
        assertThat(t.lastClient.keyGeneration()).isZero();
        t.lb.onBackendMessage(0, new org.qdsr.control.message.KeyUpdateRequest(0, 6_291_456), t.net.now());
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        CompletableFuture<Http3Result> r2 = Topology.get(session, "/bytes/300000", second);
        t.net.runUntil(r2::isDone, 30 * SECOND);
        assertThat(r2.get().response().status()).isEqualTo(200);
        assertThat(Topology.matchesSynthetic(second.toByteArray(), 300_000)).isTrue();
        assertThat(t.lastClient.keyGeneration()).as("the client followed the LB's key update").isEqualTo(1);
    }

    @Test
    void proxyModeIsForcedForAnyClient() throws Exception {
        Topology t = new Topology(83, 2, LoadBalancerCore.Mode.PROXY);
        t.net.setDefaultConditions(LinkConditions.delay(2_000_000));
        Http3ClientSession session = t.connect(false);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        CompletableFuture<Http3Result> r = Topology.get(session, "/bytes/100000", body);
        t.net.runUntil(r::isDone, 30 * SECOND);
        assertThat(r.get().response().status()).isEqualTo(200);
        assertThat(Topology.matchesSynthetic(body.toByteArray(), 100_000)).isTrue();
        assertThat(t.lb.stats().handoffsProxy).isEqualTo(1);
    }

    @Test
    void noHealthyBackendGives503() throws Exception {
        Topology t = new Topology(79, 1, LoadBalancerCore.Mode.AUTO);
        t.disconnect(0);
        Http3ClientSession session = t.connect(true);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        CompletableFuture<Http3Result> r = Topology.get(session, "/bytes/10", body);
        t.net.runUntil(r::isDone, 10 * SECOND);
        assertThat(r.get().response().status()).isEqualTo(503);
    }
}
