package org.qdsr.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.qdsr.http3.session.Http3ClientSession;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.lb.routing.Policy;
import org.qdsr.lb.routing.Router;
import org.qdsr.lb.routing.Rule;
import org.qdsr.quic.sim.LinkConditions;

/**
 * What a configuration reload does to the core, on the in-memory network: a retired backend
 * finishes the response it is sending byte for byte and gets no new request; a new router's rules
 * apply to the next requests of a connection that is already open; a weight changes in place.
 */
class ReconfigureCoreTest {
    private static final long SECOND = 1_000_000_000L;

    @ParameterizedTest(name = "server paths: {0}")
    @ValueSource(booleans = {true, false})
    void retiredBackendFinishesItsStreamAndGetsNoNewOnes(boolean serverPaths) throws Exception {
        Topology t = new Topology(97, 3, LoadBalancerCore.Mode.AUTO);
        t.net.setDefaultConditions(LinkConditions.delay(5_000_000));
        Http3ClientSession session = t.connect(serverPaths);
        ByteArrayOutputStream big = new ByteArrayOutputStream();
        var inFlight = Topology.get(session, "/bytes/3000000", big); // round robin: to rs0
        t.net.runUntil(() -> big.size() > 100_000, 30 * SECOND);
        Backend rs0 = t.lb.backends().get(0);
        assertThat(rs0.outstanding()).as("rs0 serves the large response").isEqualTo(1);

        t.lb.retireBackend(rs0.id());
        t.lb.setRouter(new Router(List.of(new Rule(null, "/bytes/7", List.of("rs2"), null)), Policy.roundRobin()));
        t.lb.setBackendWeight(1, 5);
        List<CompletableFuture<Http3Result>> later = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            later.add(Topology.get(session, "/bytes/" + (i % 2 == 0 ? "7000" : "5000"), new ByteArrayOutputStream()));
        }
        t.net.runUntil(() -> inFlight.isDone() && later.stream().allMatch(CompletableFuture::isDone), 60 * SECOND);

        assertThat(Topology.matchesSynthetic(big.toByteArray(), 3_000_000)).as("the retired backend's response")
                .isTrue();
        for (CompletableFuture<Http3Result> r : later) {
            assertThat(r.get().response().status()).isEqualTo(200);
        }
        assertThat(rs0.handoffs()).as("nothing new for the retired backend").isEqualTo(1);
        assertThat(rs0.routable()).isFalse();
        t.net.runUntil(() -> rs0.outstanding() == 0, 10 * SECOND); // its report follows the client's last ACK
        assertThat(rs0.outstanding()).as("the LB learns the stream ended: the channel may close").isZero();
        assertThat(t.lb.backends().get(2).handoffs()).as("/bytes/7... by the new rule, and round robin")
                .isGreaterThanOrEqualTo(3);
        assertThat(t.lb.backends().get(1).handoffs() + t.lb.backends().get(2).handoffs()).isEqualTo(6);
        assertThat(t.lb.backends().get(1).weight()).isEqualTo(5);
    }
}
