package org.qdsr.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.qdsr.http3.session.Http3ClientSession;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.quic.sim.LinkConditions;

/**
 * Completion time of 1 MB responses on one warm connection, in round trips of virtual time, over
 * a 50 ms RTT without loss and without a bandwidth limit (so only congestion and flow control
 * windows and the protocol's round trips count), with two real servers taking turns. The first
 * response of a connection slow-starts from the initial window whatever the mode; every later one
 * must complete within {@value #WARM_BOUND_RTTS} round trips, which the proxying LB meets with its
 * single window. In isolated mode each real server sends on its own path: the first response
 * of the second server must not slow-start again from ten packets (it took 7.5 RTTs), and a
 * server's window must grow through a response's last flight, or the next response on that path
 * starts from half of what it could.
 */
class LargeResponseLatencyTest {
    private static final long MS = 1_000_000L;
    private static final long ONE_WAY = 25 * MS;
    private static final long RTT = 2 * ONE_WAY;
    private static final int SIZE = 1_000_000;
    private static final int WARM_BOUND_RTTS = 3;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"PROXY", "ISOLATED"})
    void warmConnectionCompletesOneMegabyteInAFewRoundTrips(LoadBalancerCore.Mode mode) throws Exception {
        Topology t = new Topology(4, 2, mode);
        t.net.setDefaultConditions(LinkConditions.delay(ONE_WAY));
        Http3ClientSession s = t.connect(true);
        assertThat(fetch(t, s, 1).get(0)).as("first response (slow start from the initial window)")
                .isLessThanOrEqualTo(10 * RTT);
        List<Double> rtts = new ArrayList<>();
        for (int i = 1; i <= 6; i++) { // alternating real servers: i = 1 is the second server's first
            long d = fetch(t, s, 1).get(0);
            rtts.add(d / (double) RTT);
            t.net.runFor(200 * MS);
        }
        assertThat(rtts).as("%s: completion of each sequential 1 MB response, in RTTs", mode)
                .allSatisfy(r -> assertThat(r).isLessThanOrEqualTo(WARM_BOUND_RTTS));
        assertThat(fetch(t, s, 4)).as("%s: four concurrent 1 MB responses", mode)
                .allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(WARM_BOUND_RTTS * RTT));
        assertThat(mode == LoadBalancerCore.Mode.PROXY ? t.lb.stats().handoffsProxy : t.lb.stats().handoffsIsolated)
                .isEqualTo(11);
    }

    /**
     * A client that took 450 ms to answer the LB's handshake flight (a cold process, a slow phone)
     * leaves the LB a smoothed RTT dominated by that one sample for as long as its own few
     * ack-eliciting packets allow (here 397 ms while its latest sample is 53 ms). A real server's
     * path must not be paced by it: before each path took the LB's recent RTT as a mere initial
     * estimate, the second server's first 1 MB response took 3.2 RTTs here and 6 RTTs on the
     * namespace testbed (the LB's smoothed RTT there was still 288 ms over a 53 ms path); now 2.5.
     */
    @Test
    void aSlowHandshakeDoesNotPaceTheRealServersPaths() throws Exception {
        Topology t = new Topology(4, 2, LoadBalancerCore.Mode.ISOLATED);
        t.net.setDefaultConditions(LinkConditions.delay(ONE_WAY));
        t.net.setConditions(Topology.CLIENT, Topology.VIP, LinkConditions.delay(ONE_WAY + 450 * MS));
        Http3ClientSession s = t.connect(true);
        t.client.poke(t.net.now());
        t.net.runUntil(() -> t.lastClient.isEstablished(), 10_000 * MS);
        t.net.setConditions(Topology.CLIENT, Topology.VIP, LinkConditions.delay(ONE_WAY));
        fetch(t, s, 1); // the first server's first response: slow start
        List<Double> rtts = new ArrayList<>();
        for (int i = 0; i < 4; i++) { // i = 0: the second server's first response
            rtts.add(fetch(t, s, 1).get(0) / (double) RTT);
        }
        assertThat(rtts).as("completion of each sequential 1 MB response after a slow handshake, in RTTs")
                .allSatisfy(r -> assertThat(r).isLessThanOrEqualTo(WARM_BOUND_RTTS));
    }

    /** Issues {@code n} requests at once; returns each completion time (virtual nanoseconds). */
    private static List<Long> fetch(Topology t, Http3ClientSession s, int n) throws Exception {
        long start = t.net.now();
        List<CompletableFuture<Http3Result>> rs = new ArrayList<>();
        long[] done = new long[n];
        for (int i = 0; i < n; i++) {
            int k = i;
            CompletableFuture<Http3Result> r = s.request("GET", "https", "localhost", "/bytes/" + SIZE, List.of(),
                    null, (b, o, l) -> { });
            r.thenRun(() -> done[k] = t.net.now() - start);
            rs.add(r);
        }
        t.client.poke(start);
        t.net.runUntil(() -> rs.stream().allMatch(CompletableFuture::isDone), 60_000 * MS);
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            assertThat(rs.get(i).get().response().status()).isEqualTo(200);
            assertThat(rs.get(i).get().bodyBytes()).isEqualTo(SIZE);
            out.add(done[i]);
        }
        return out;
    }
}
