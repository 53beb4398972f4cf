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
import org.qdsr.quic.sim.LinkConditions;
import org.qdsr.rs.AccessLog;
import org.qdsr.rs.RealServerCore;

/**
 * The load balancer's access log (in memory, on the virtual clock): one entry per request stream
 * in every delivery mode, naming the backend that served it (checked against the real servers'
 * own logs, joined on connection and stream), the status and bytes, and how it ended; the LB's
 * own answers (no backend, a bad path) with their reason; streams cut by a lost backend or a
 * closed connection.
 */
class LbAccessLogTest {
    private static final long SECOND = 1_000_000_000L;

    /** The LB's and every real server's entries of one topology. */
    private record Logs(List<LbAccessLog.Entry> lb, List<AccessLog.Entry> rs, List<Integer> rsIndex) {
        static Logs of(Topology t) {
            Logs l = new Logs(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            t.lb.setAccessLog(l.lb::add);
            for (int i = 0; i < t.servers.size(); i++) {
                int index = i;
                t.servers.get(i).setAccessLog(e -> {
                    l.rs.add(e);
                    l.rsIndex.add(index);
                });
            }
            return l;
        }

        /** The real server (rsN) whose log has this LB entry's stream. */
        String servedBy(LbAccessLog.Entry e) {
            for (int i = 0; i < rs.size(); i++) {
                if (rs.get(i).connectionKey() == e.connectionKey() && rs.get(i).streamId() == e.streamId()) {
                    return "rs" + rsIndex.get(i);
                }
            }
            return "-";
        }

        LbAccessLog.Entry path(String path) {
            return lb.stream().filter(x -> x.path().equals(path)).findFirst().orElseThrow();
        }
    }

    @ParameterizedTest
    @CsvSource({"AUTO, true, isolated", "AUTO, false, instructed", "PROXY, false, proxy"})
    void oneEntryPerRequestWithItsBackendStatusBytesAndOutcome(LoadBalancerCore.Mode mode, boolean serverPaths,
                                                               String delivery) throws Exception {
        Topology t = new Topology(103, 2, LoadBalancerCore.Settings.defaults().withMode(mode),
                i -> RealServerCore.Config.defaults());
        t.net.setDefaultConditions(LinkConditions.delay(5_000_000));
        Logs logs = Logs.of(t);
        Http3ClientSession session = t.connect(serverPaths);
        int[] sizes = {200_000, 3_000, 0, 70_000};
        List<CompletableFuture<Http3Result>> results = new ArrayList<>();
        for (int size : sizes) {
            results.add(Topology.get(session, "/bytes/" + size, new ByteArrayOutputStream()));
        }
        results.add(Topology.get(session, "/nope", new ByteArrayOutputStream()));
        t.net.runUntil(() -> results.stream().allMatch(CompletableFuture::isDone), 30 * SECOND);
        t.net.runUntil(() -> logs.lb.size() == 5 && logs.rs.size() == 5, 10 * SECOND); // the client's last ACKs

        assertThat(logs.lb).hasSize(5).allSatisfy(e -> {
            assertThat(e.mode()).isEqualTo(delivery);
            assertThat(e.method()).isEqualTo("GET");
            assertThat(e.authority()).isEqualTo("localhost");
            assertThat(e.client()).isEqualTo(Topology.CLIENT);
            assertThat(e.outcome()).isEqualTo("finished");
            assertThat(e.reason()).isEqualTo("-");
            assertThat(e.backend()).as("the RS whose log has stream %d", e.streamId()).isEqualTo(logs.servedBy(e));
            assertThat(e.durationNanos()).isPositive();
        });
        assertThat(logs.lb.stream().map(LbAccessLog.Entry::backend).distinct()).containsExactlyInAnyOrder("rs0", "rs1");
        assertThat(logs.lb.stream().map(LbAccessLog.Entry::streamId).distinct()).hasSize(5);
        for (int size : sizes) {
            LbAccessLog.Entry e = logs.path("/bytes/" + size);
            if (delivery.equals("proxy")) {
                assertThat(e.bytes()).as("body bytes relayed").isEqualTo(size);
            } else {
                assertThat(e.bytes()).as("stream bytes: body and framing").isBetween((long) size, size + 100L);
            }
            assertThat(e.status()).as("the RS names it (instructed: in StreamReady)").isEqualTo(200);
        }
        assertThat(logs.path("/nope").status()).isEqualTo(404);
    }

    @Test
    void theLbsOwnAnswersCarryTheirReason() throws Exception {
        Topology t = autoMode(107, 1);
        Logs logs = Logs.of(t);
        Http3ClientSession session = t.connect(true);
        // a field is octets (ISO-8859-1 chars): the path's UTF-8 bytes travel as they are
        String hostile = org.qdsr.http3.qpack.Field.utf8(":path", "/a\"b\\c\u0001d\u00e9\u4e2d?q=\"x\"").value();
        List<CompletableFuture<Http3Result>> results = new ArrayList<>();
        results.add(Topology.get(session, "/../bytes/10", new ByteArrayOutputStream()));
        results.add(Topology.get(session, hostile, new ByteArrayOutputStream()));
        t.net.runUntil(() -> results.stream().allMatch(CompletableFuture::isDone), 30 * SECOND);
        t.disconnect(0);
        CompletableFuture<Http3Result> none = Topology.get(session, "/bytes/10", new ByteArrayOutputStream());
        t.net.runUntil(none::isDone, 30 * SECOND);
        assertThat(none.get().response().status()).isEqualTo(503);

        assertThat(logs.lb).hasSize(3).allSatisfy(e -> {
            assertThat(e.mode()).isEqualTo("local");
            assertThat(e.backend()).isEqualTo("-");
            assertThat(e.outcome()).isEqualTo("answered");
        });
        LbAccessLog.Entry bad = logs.path("/../bytes/10");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.reason()).isEqualTo("bad-path");
        assertThat(bad.bytes()).isEqualTo("bad request path\n".length());
        LbAccessLog.Entry odd = logs.path(hostile); // as received, byte for byte
        assertThat(odd.status()).isEqualTo(400);
        LbAccessLog.Entry noBackend = logs.lb.get(2);
        assertThat(noBackend.path()).isEqualTo("/bytes/10");
        assertThat(noBackend.status()).isEqualTo(503);
        assertThat(noBackend.reason()).isEqualTo("no-backend");
        assertThat(noBackend.bytes()).isEqualTo("no healthy backend\n".length());
        assertThat(logs.rs).isEmpty();
    }

    /** A request the HTTP/3 layer resets before dispatch (malformed, RFC 9114 §4.2) still gets its line. */
    @Test
    void aMalformedRequestIsLoggedAsRefused() throws Exception {
        Topology t = autoMode(109, 1);
        Logs logs = Logs.of(t);
        Http3ClientSession session = t.connect(true);
        CompletableFuture<Http3Result> bad = session.request("GET", "https", "localhost", "/bytes/10",
                List.of(new org.qdsr.http3.qpack.Field("connection", "close")), null,
                Http3ClientSession.collector(new ByteArrayOutputStream()));
        CompletableFuture<Http3Result> good = Topology.get(session, "/bytes/10", new ByteArrayOutputStream());
        t.net.runUntil(() -> bad.isDone() && good.isDone() && logs.lb.size() == 2, 30 * SECOND);
        assertThat(bad).isCompletedExceptionally();
        assertThat(good.get().response().status()).isEqualTo(200);
        LbAccessLog.Entry refused = logs.lb.stream().filter(e -> e.outcome().equals("refused")).findFirst()
                .orElseThrow();
        assertThat(refused.path()).isEqualTo("-");
        assertThat(refused.status()).isZero();
        assertThat(refused.reason()).startsWith("H3_MESSAGE_ERROR: ").contains("connection");
        assertThat(refused.client()).isNotNull();
        assertThat(logs.path("/bytes/10").outcome()).isIn("finished", "closed");
    }

    /** {@code servers} real servers behind an LB in auto mode, 5 ms each way. */
    private static Topology autoMode(long seed, int servers) throws Exception {
        Topology t = new Topology(seed, servers, LoadBalancerCore.Mode.AUTO);
        t.net.setDefaultConditions(LinkConditions.delay(5_000_000));
        return t;
    }

    @Test
    void aLogThatThrowsCostsItsLinesNotTheRequests() throws Exception {
        Topology t = autoMode(131, 2);
        int[] calls = {0};
        t.lb.setAccessLog(e -> {
            calls[0]++;
            throw new IllegalStateException("disk full");
        });
        Http3ClientSession session = t.connect(true);
        List<CompletableFuture<Http3Result>> results = new ArrayList<>();
        for (String path : List.of("/bytes/5000", "/../x", "/bytes/7000")) {
            results.add(Topology.get(session, path, new ByteArrayOutputStream()));
        }
        t.net.runUntil(() -> results.stream().allMatch(CompletableFuture::isDone) && calls[0] == 3, 30 * SECOND);
        assertThat(results.get(0).get().bodyBytes()).isEqualTo(5000);
        assertThat(results.get(1).get().response().status()).isEqualTo(400);
        assertThat(results.get(2).get().bodyBytes()).isEqualTo(7000);
        assertThat(t.lb.accessBook().failures()).isEqualTo(3);
    }

    /** One real server, and a 50 MB download from it past its first 100 kB. */
    private record Download(Topology topology, Logs logs, CompletableFuture<Http3Result> result) {
        static Download midway(long seed, LoadBalancerCore.Mode mode, boolean serverPaths) throws Exception {
            Topology t = new Topology(seed, 1, LoadBalancerCore.Settings.defaults().withMode(mode),
                    i -> RealServerCore.Config.defaults());
            t.net.setDefaultConditions(LinkConditions.delay(5_000_000));
            Logs logs = Logs.of(t);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            CompletableFuture<Http3Result> result = Topology.get(t.connect(serverPaths), "/bytes/50000000", body);
            t.net.runUntil(() -> body.size() > 100_000, 30 * SECOND);
            return new Download(t, logs, result);
        }

        /** The LB's one line, for the download, in {@code delivery} mode from rs0. */
        LbAccessLog.Entry onlyLine(String delivery) {
            assertThat(logs.lb).hasSize(1);
            LbAccessLog.Entry e = logs.lb.get(0);
            assertThat(e.mode()).isEqualTo(delivery);
            assertThat(e.backend()).isEqualTo("rs0");
            assertThat(e.path()).isEqualTo("/bytes/50000000");
            return e;
        }
    }

    @ParameterizedTest
    @CsvSource({"AUTO, true, isolated", "AUTO, false, instructed", "PROXY, false, proxy"})
    void aLostBackendsStreamsSaySo(LoadBalancerCore.Mode mode, boolean serverPaths, String delivery) throws Exception {
        Download d = Download.midway(109, mode, serverPaths);
        d.topology.disconnect(0);
        d.topology.net.runUntil(d.result::isDone, 30 * SECOND);

        LbAccessLog.Entry e = d.onlyLine(delivery);
        assertThat(e.outcome()).isEqualTo("backend-lost");
        assertThat(e.reason()).isEqualTo("backend-lost");
        if (delivery.equals("proxy")) {
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.bytes()).as("relayed before the loss").isGreaterThanOrEqualTo(100_000);
        }
    }

    @ParameterizedTest
    @CsvSource({"AUTO, true, isolated", "AUTO, false, instructed", "PROXY, false, proxy"})
    void aResponseTheClientStoppedIsReset(LoadBalancerCore.Mode mode, boolean serverPaths, String delivery)
            throws Exception {
        Download d = Download.midway(127, mode, serverPaths);
        Topology t = d.topology;
        t.lastClient.stopSending(0, org.qdsr.http3.Http3Error.H3_REQUEST_CANCELLED.code());
        t.client.poke(t.net.now());
        t.net.runUntil(() -> d.logs.lb.size() == 1, 10 * SECOND);

        LbAccessLog.Entry e = d.onlyLine(delivery);
        assertThat(e.outcome()).isEqualTo("reset");
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.bytes()).isGreaterThanOrEqualTo(100_000).isLessThan(50_000_000);
        assertThat(t.lb.connectionCount()).as("the connection goes on").isEqualTo(1);
    }

    @ParameterizedTest
    @CsvSource({"AUTO, true, isolated", "AUTO, false, instructed", "PROXY, false, proxy"})
    void aClosedConnectionsStreamsWaitForTheReport(LoadBalancerCore.Mode mode, boolean serverPaths, String delivery)
            throws Exception {
        Download d = Download.midway(113, mode, serverPaths);
        Topology t = d.topology;
        t.lastClient.close(0, "bye", t.net.now());
        t.net.runUntil(() -> d.logs.lb.size() == 1, 10 * SECOND);

        LbAccessLog.Entry e = d.onlyLine(delivery);
        assertThat(e.outcome()).isEqualTo("closed");
        assertThat(e.reason()).isEqualTo("client-closed");
        assertThat(e.status()).as("from the real server's report (proxy: its head)").isEqualTo(200);
        assertThat(e.bytes()).as("what went before the close").isGreaterThanOrEqualTo(100_000).isLessThan(50_000_000);
        assertThat(t.lb.accessLogWaiting()).isZero();
    }
}
