package org.qdsr.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.qdsr.http3.session.Http3ClientSession;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.quic.sim.LinkConditions;

/**
 * A real server that drains (graceful shutdown, {@code Draining}): the LB routes nothing new to
 * it, the response it is sending completes byte for byte, and once it is idle its control link
 * can close without failing any stream.
 */
class RealServerDrainTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int LARGE = 1_500_000;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ISOLATED, true", "INSTRUCTED, false", "PROXY, false"})
    void aDrainingServerFinishesItsStreamsAndGetsNoNewOnes(LoadBalancerCore.Mode mode, boolean serverPaths)
            throws Exception {
        Topology t = new Topology(95, 2, mode);
        t.net.setDefaultConditions(LinkConditions.delay(10_000_000).withBandwidth(2_500_000, 256 * 1024));
        Http3ClientSession session = t.connect(serverPaths);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        CompletableFuture<Http3Result> inFlight = Topology.get(session, "/bytes/" + LARGE, body); // rs0 (round robin)
        t.net.runUntil(() -> body.size() > 50_000, 10 * SECOND);
        assertThat(t.lb.backends().get(0).outstanding()).as("rs0 serves the large response").isEqualTo(1);

        t.servers.get(0).startDraining(10_000);
        t.net.runFor(SECOND / 20); // Draining crosses the control channel
        assertThat(t.lb.backends().get(0).draining()).isTrue();
        assertThat(t.lb.backends().get(0).healthy()).as("still up: its streams go on").isTrue();
        List<CompletableFuture<Http3Result>> later = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            later.add(Topology.get(session, "/bytes/" + (1000 + i), new ByteArrayOutputStream()));
        }
        t.net.runUntil(() -> inFlight.isDone() && later.stream().allMatch(CompletableFuture::isDone), 30 * SECOND);

        assertThat(inFlight.get().response().status()).isEqualTo(200);
        assertThat(Topology.matchesSynthetic(body.toByteArray(), LARGE)).as("byte-exact").isTrue();
        for (CompletableFuture<Http3Result> f : later) {
            assertThat(f.get().response().status()).isEqualTo(200);
        }
        assertThat(t.lb.backends().get(0).handoffs()).as("nothing new for the draining server").isEqualTo(1);
        assertThat(t.lb.backends().get(1).handoffs()).isEqualTo(6);

        t.net.runUntil(() -> t.servers.get(0).streamCount() == 0, 5 * SECOND);
        assertThat(t.servers.get(0).streamCount()).isZero();
        t.net.runFor(SECOND / 4); // RealServer.drain's quiet period: the last report reaches the LB
        assertThat(t.lb.backends().get(0).outstanding()).isZero();
        t.disconnect(0); // the drained server stops
        t.net.runFor(SECOND / 10);
        assertThat(t.lb.stats().streamsFailed).isZero();
        assertThat(t.lb.stats().noBackend).isZero();
    }
}
