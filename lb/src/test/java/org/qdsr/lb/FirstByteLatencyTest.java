package org.qdsr.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.qdsr.http3.session.BodySink;
import org.qdsr.http3.session.Http3ClientSession;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.quic.sim.LinkConditions;

/**
 * Time to the first response byte per delivery mode, on the virtual clock with a fixed 10 ms
 * one-way delay between every pair of nodes (client, LB, RSs; control messages take 0.5 ms).
 * Whatever the mode, a request costs one round trip plus the control hop(s): the handoff must
 * not wait for anything from the client (path CIDs, credit, ACKs) and the real server must send
 * its first packets at once (no pacing or congestion wait on a fresh path). The first request of
 * a connection may add the handshake's round trip, nothing more.
 */
class FirstByteLatencyTest {
    private static final long MS = 1_000_000L;
    private static final long ONE_WAY = 10 * MS;
    private static final long RTT = 2 * ONE_WAY;

    /** Virtual times of one request: first body byte and completion, from the request being issued. */
    private record Timing(long firstByte, long done, long ttfbReported) {
    }

    @ParameterizedTest(name = "{0}, client server paths {1}")
    @CsvSource({"AUTO,true", "ISOLATED,true", "AUTO,false", "INSTRUCTED,true", "PROXY,true", "PROXY,false"})
    void everyRequestCostsOneRoundTrip(LoadBalancerCore.Mode mode, boolean serverPaths) throws Exception {
        Topology t = new Topology(90, 2, mode);
        t.net.setDefaultConditions(LinkConditions.delay(ONE_WAY));
        Http3ClientSession s = t.connect(serverPaths);
        Timing first = fetch(t, s, 10_000);
        assertThat(first.firstByte).as("first request of the connection (handshake included)")
                .isLessThanOrEqualTo(2 * RTT + RTT / 2);
        for (int size : new int[] {10_000, 10_000, 100, 10_000, 50_000, 10_000, 10_000, 1_000}) {
            Timing x = fetch(t, s, size); // back to back, alternating real servers
            assertThat(x.firstByte).as("%s: first body byte of %d bytes", mode, size).isLessThanOrEqualTo(RTT + RTT / 2);
            assertThat(x.ttfbReported).as("client's own TTFB").isLessThanOrEqualTo(RTT + RTT / 2);
            if (size <= 10_000) {
                assertThat(x.done).as("%s: all of %d bytes (fits the initial window)", mode, size)
                        .isLessThanOrEqualTo(RTT + RTT / 2);
            }
        }
        t.net.runFor(300 * MS); // idle: a request after a quiet period is no slower
        assertThat(fetch(t, s, 10_000).done).isLessThanOrEqualTo(RTT + RTT / 2);
        assertThat(mode == LoadBalancerCore.Mode.PROXY ? t.lb.stats().handoffsProxy
                : serverPaths && mode != LoadBalancerCore.Mode.INSTRUCTED ? t.lb.stats().handoffsIsolated
                : t.lb.stats().handoffsInstructed).isEqualTo(10);
    }

    private static Timing fetch(Topology t, Http3ClientSession s, int size) throws Exception {
        long start = t.net.now();
        long[] firstByte = {-1};
        long[] done = {-1};
        BodySink sink = (buf, off, len) -> {
            if (firstByte[0] < 0) {
                firstByte[0] = t.net.now() - start;
            }
        };
        t.client.poke(start); // the session times the request from its latest activity
        CompletableFuture<Http3Result> r = s.request("GET", "https", "localhost", "/bytes/" + size, List.of(), null,
                sink);
        r.thenRun(() -> done[0] = t.net.now() - start);
        t.client.poke(start);
        t.net.runUntil(r::isDone, 10_000 * MS);
        assertThat(r.get().response().status()).isEqualTo(200);
        assertThat(r.get().bodyBytes()).isEqualTo(size);
        return new Timing(firstByte[0], done[0], r.get().ttfbNanos());
    }
}
