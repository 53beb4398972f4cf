package org.qdsr.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.qdsr.control.message.Handoff;
import org.qdsr.http3.session.Http3ClientSession;
import org.qdsr.http3.session.Http3RequestException;
import org.qdsr.lb.ClusterTopology.Fetch;
import org.qdsr.quic.sim.LinkConditions;

/**
 * A real server's control link drops while it is in the middle of responses on a connection it
 * shares with another real server: its streams fail cleanly, the others finish byte-exact, the
 * connection keeps working through the survivor, and the server is used again after it rejoins.
 */
class RealServerFailoverTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int LARGE = 1_000_000;
    private static final long H3_INTERNAL_ERROR = 0x102;

    /** Round robin: even requests go to rs0, odd to rs1. rs0 has one large response in flight. */
    @ParameterizedTest
    @EnumSource(value = LoadBalancerCore.Mode.class, names = {"AUTO", "INSTRUCTED", "PROXY"})
    void controlLinkDropsMidResponse(LoadBalancerCore.Mode mode) throws Exception {
        int[] sizes = {LARGE, LARGE + 1, 20_000, LARGE + 3, 20_004, 20_005, 20_006, 20_007};
        dropMidResponse(mode, sizes, false);
    }

    /**
     * After rs0's control link comes back (backendUp + onLinkOpened, as a reconnecting LB does),
     * new streams of the SAME connection go to rs0 again, on a fresh path ID (the old one is
     * retired: draft-21 never reuses path IDs), and arrive byte-exact.
     */
    @ParameterizedTest
    @EnumSource(value = LoadBalancerCore.Mode.class, names = {"AUTO", "INSTRUCTED"})
    void rejoinedRealServerServesTheSameConnectionAgain(LoadBalancerCore.Mode mode) throws Exception {
        int[] sizes = {LARGE, LARGE + 1, 20_000, LARGE + 3, 20_004, 20_005, 20_006, 20_007};
        dropMidResponse(mode, sizes, true);
    }

    /**
     * Four responses of the lost real server in flight: the LB resets each with final size = the
     * stream limit it gave that server, which is covered by connection credit it reserved, so the
     * client's MAX_DATA holds (RFC 9000 §4.5) and the other server's streams are unaffected.
     * (Before per-stream credit budgets, the final sizes exceeded MAX_DATA and the client closed
     * the whole connection with FLOW_CONTROL_ERROR.)
     */
    @ParameterizedTest
    @EnumSource(value = LoadBalancerCore.Mode.class, names = {"AUTO", "INSTRUCTED"})
    void controlLinkDropsWithFourResponsesInFlight(LoadBalancerCore.Mode mode) throws Exception {
        int[] sizes = new int[8];
        for (int i = 0; i < 8; i++) {
            // Round robin alternates the two real servers: each gets two large and two small responses.
            sizes[i] = i % 4 < 2 ? LARGE + i + 1 : 20_000 + i;
        }
        dropMidResponse(mode, sizes, false);
    }

    private void dropMidResponse(LoadBalancerCore.Mode mode, int[] sizes, boolean rejoin) throws Exception {
        ClusterTopology t = new ClusterTopology(91, 2, mode);
        t.net.setDefaultConditions(LinkConditions.delay(2_000_000));
        Http3ClientSession s = t.connect();
        List<Fetch> first = new ArrayList<>();
        for (int size : sizes) {
            first.add(Fetch.start(s, size));
        }
        // Mid-response: some large body has started arriving and none is complete.
        t.net.runUntil(() -> first.get(0).body().size() > 100_000, 30 * SECOND);
        assertThat(first.get(0).result()).as("rs0's large response is still in flight").isNotDone();
        Set<Long> handedToRs0 = streamsHandedTo(t, 0);
        assertThat(handedToRs0).isNotEmpty();
        t.disconnect(0);
        t.net.runUntil(() -> first.stream().allMatch(f -> f.result().isDone()), 60 * SECOND);

        int failed = 0;
        for (int i = 0; i < first.size(); i++) {
            Fetch f = first.get(i);
            long streamId = 4L * i; // client-initiated bidirectional streams, in request order
            assertThat(f.result()).as("stream %d", streamId).isDone();
            if (f.result().isCompletedExceptionally() || f.result().join().response().status() != 200) {
                failed++;
                assertThat(handedToRs0).as("failed stream %d was rs0's", streamId).contains(streamId);
                assertCleanFailure(f);
            } else {
                assertThat(f.byteExact()).as("body of stream %d", streamId).isTrue();
            }
        }
        if (mode != LoadBalancerCore.Mode.PROXY) { // a proxying LB may already hold the whole body
            assertThat(failed).as("streams of the lost real server that failed").isPositive();
        }
        assertThat(first.stream().filter(f -> f.result().isDone() && !f.result().isCompletedExceptionally()
                && f.result().join().response().status() == 200 && f.size() > LARGE)).isNotEmpty();

        // The same connection keeps working: new requests all go to the survivor.
        List<Fetch> during = fetch(t, s, 6, 150_000);
        for (Fetch f : during) {
            assertThat(f.result().join().response().status()).isEqualTo(200);
            assertThat(f.byteExact()).isTrue();
            assertThat(f.servedBy()).isEqualTo("rs1");
        }

        if (!rejoin) {
            return;
        }
        // rs0 rejoins: new requests reach it again, on the same connection.
        t.join(0);
        t.net.runFor(10_000_000); // the control link settles
        List<Fetch> after = fetch(t, s, 6, 150_000);
        Set<String> servers = new HashSet<>();
        for (Fetch f : after) {
            assertThat(f.result().join().response().status()).isEqualTo(200);
            assertThat(f.byteExact()).isTrue();
            servers.add(f.servedBy());
        }
        assertThat(servers).containsExactlyInAnyOrder("rs0", "rs1");
    }

    /** A reset stream with an HTTP/3 error code, or a 503 for a stream that had not started. */
    private static void assertCleanFailure(Fetch f) {
        if (!f.result().isCompletedExceptionally()) {
            assertThat(f.result().join().response().status()).isEqualTo(503);
            return;
        }
        try {
            f.result().join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(Http3RequestException.class);
            assertThat(((Http3RequestException) e.getCause()).errorCode()).as("%s", e.getCause().getMessage())
                    .isEqualTo(H3_INTERNAL_ERROR);
        }
    }

    private static List<Fetch> fetch(ClusterTopology t, Http3ClientSession s, int n, int size) throws Exception {
        List<Fetch> fetches = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fetches.add(Fetch.start(s, size + i));
        }
        t.client.poke(t.net.now());
        t.net.runUntil(() -> fetches.stream().allMatch(f -> f.result().isDone()), 30 * SECOND);
        for (int i = 0; i < fetches.size(); i++) {
            Fetch f = fetches.get(i);
            assertThat(f.result()).as("request %d of %d: %d of %d bytes arrived; rs0 path handoffs %s", i, n,
                    f.body().size(), f.size(), handoffPaths(t)).isCompleted();
        }
        return fetches;
    }

    private static List<String> handoffPaths(ClusterTopology t) throws Exception {
        List<String> out = new ArrayList<>();
        for (ClusterTopology.Tapped m : t.toServers) {
            if (m.message() instanceof Handoff h && h.mode() == Handoff.Mode.ISOLATED) {
                out.add("rs" + m.server() + ":s" + h.streamId() + "/p"
                        + org.qdsr.quic.path.ConnectionSnapshot.decode(h.snapshot()).pathId());
            }
        }
        return out;
    }

    private static Set<Long> streamsHandedTo(ClusterTopology t, int server) {
        Set<Long> ids = new HashSet<>();
        for (ClusterTopology.Tapped m : t.toServers) {
            if (m.server() == server && m.message() instanceof Handoff h) {
                ids.add(h.streamId());
            }
        }
        return ids;
    }
}
