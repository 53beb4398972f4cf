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
import org.qdsr.rs.AccessLog;
import org.qdsr.rs.RealServerCore;

/**
 * The real servers' access log in each delivery mode (in memory): one entry per response with
 * the request's method and path, the status, the bytes, the mode and how it ended; the client's
 * address (in proxy mode from the forwarded field the LB wrote).
 */
class RsAccessLogTest {
    private static final long SECOND = 1_000_000_000L;

    @ParameterizedTest
    @CsvSource({"AUTO, true, isolated", "AUTO, false, instructed", "PROXY, false, proxy"})
    void oneEntryPerResponse(LoadBalancerCore.Mode mode, boolean serverPaths, String delivery) throws Exception {
        Topology t = new Topology(101, 2, LoadBalancerCore.Settings.defaults().withMode(mode),
                i -> RealServerCore.Config.defaults());
        t.net.setDefaultConditions(LinkConditions.delay(5_000_000));
        List<AccessLog.Entry> entries = new ArrayList<>();
        for (RealServerCore rs : t.servers) {
            rs.setAccessLog(entries::add);
        }
        Http3ClientSession session = t.connect(serverPaths);
        int[] sizes = {200_000, 3_000, 0};
        List<CompletableFuture<Http3Result>> results = new ArrayList<>();
        for (int size : sizes) {
            results.add(Topology.get(session, "/bytes/" + size, new ByteArrayOutputStream()));
        }
        results.add(Topology.get(session, "/nope", new ByteArrayOutputStream()));
        t.net.runUntil(() -> results.stream().allMatch(CompletableFuture::isDone), 30 * SECOND);
        t.net.runUntil(() -> entries.size() == 4, 10 * SECOND); // FINISHED follows the client's last ACK

        assertThat(entries).hasSize(4).allSatisfy(e -> {
            assertThat(e.mode()).isEqualTo(delivery);
            assertThat(e.method()).isEqualTo("GET");
            assertThat(e.outcome()).isIn("finished", "sent");
            if (delivery.equals("proxy")) { // its part ends once the body is on the control channel
                assertThat(e.durationNanos()).isNotNegative();
                assertThat(e.client()).as("from the LB's forwarded field").isEqualTo(Topology.CLIENT);
            } else {
                assertThat(e.durationNanos()).as("until the client's ACK").isPositive();
                assertThat(e.client()).isEqualTo(Topology.CLIENT);
            }
        });
        for (int size : sizes) {
            AccessLog.Entry e = entries.stream().filter(x -> x.path().equals("/bytes/" + size)).findFirst().orElseThrow();
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.bytes()).as("body and framing").isBetween((long) size, size + 100L);
        }
        assertThat(entries.stream().filter(x -> x.path().equals("/nope")).findFirst().orElseThrow().status())
                .isEqualTo(404);
    }
}
