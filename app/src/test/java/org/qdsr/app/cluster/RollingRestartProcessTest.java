package org.qdsr.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.rs.content.ServedBy;

/**
 * A rolling restart under load, as processes on loopback: while one client connection keeps
 * four requests in flight, each real server in turn is stopped with SIGTERM (it drains) and
 * started again. Not one request fails, every body is byte-exact, and both servers serve again
 * at the end; the LB counts no failed stream and never answers 503.
 */
class RollingRestartProcessTest {
    private static final int WINDOW = 4;

    @TempDir
    Path tmp;

    @Test
    void restartingEachRealServerInTurnFailsNoRequest() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("www"));
        Map<String, Integer> sizes = new LinkedHashMap<>();
        sizes.put("small.txt", 3000);
        sizes.put("medium.bin", 300_000);
        sizes.put("large.bin", 4 * 1024 * 1024);
        Map<String, byte[]> files = Cluster.writeFiles(root, sizes, 29);
        List<String> names = new ArrayList<>(files.keySet());
        try (Cluster cluster = Cluster.start(tmp, root, List.of("rs1", "rs2"))) {
            cluster.awaitBackendsUp(2, 15_000);
            try (RecordingClient client = RecordingClient.connect(cluster.vip)) {
                List<RecordingClient.Fetch> done = new ArrayList<>();
                List<RecordingClient.Fetch> inFlight = new ArrayList<>();
                Map<String, Integer> servedAfter = new HashMap<>();
                for (String rs : List.of("rs1", "rs2")) {
                    keepBusy(client, names, inFlight, done, 12);
                    int exit = cluster.servers.get(rs).terminate(30);
                    assertThat(exit).as("%s drained and exited; logs:\n%s", rs, cluster.logs()).isEqualTo(143);
                    keepBusy(client, names, inFlight, done, 8); // served by the other one alone
                    cluster.startRs(rs, cluster.controlTls);
                    awaitRoutable(cluster, rs);
                }
                for (int i = 0; i < 16; i++) {
                    keepBusy(client, names, inFlight, done, 1);
                }
                drain(inFlight, done);
                for (RecordingClient.Fetch f : done) {
                    Http3Result r = f.future.get(0, TimeUnit.SECONDS);
                    assertThat(r.response().status()).as(f.path).isEqualTo(200);
                    assertThat(f.body()).as(f.path).isEqualTo(files.get(f.path.substring(1)));
                }
                for (RecordingClient.Fetch f : done.subList(done.size() - 16, done.size())) {
                    servedAfter.merge(f.future.get().response().header(ServedBy.HEADER), 1, Integer::sum);
                }
                assertThat(servedAfter).as("both restarted servers serve again").containsOnlyKeys("rs1", "rs2");
                String metrics = cluster.lbMetrics();
                assertThat(Cluster.sample(metrics, "qdsr_lb_streams_failed_total")).as(metrics).isZero();
                assertThat(Cluster.sample(metrics, "qdsr_lb_no_backend_responses_total")).isZero();
            }
        }
    }

    /** Completes {@code count} more requests, keeping {@value #WINDOW} in flight. */
    private static void keepBusy(RecordingClient client, List<String> names, List<RecordingClient.Fetch> inFlight,
                                 List<RecordingClient.Fetch> done, int count) throws Exception {
        int target = done.size() + count;
        while (done.size() < target) {
            while (inFlight.size() < WINDOW) {
                inFlight.add(client.get("/" + names.get((done.size() + inFlight.size()) % names.size())));
            }
            RecordingClient.Fetch first = inFlight.remove(0);
            first.future.get(30, TimeUnit.SECONDS); // a failure fails the test here, with its cause
            done.add(first);
        }
    }

    private static void drain(List<RecordingClient.Fetch> inFlight, List<RecordingClient.Fetch> done)
            throws Exception {
        for (RecordingClient.Fetch f : inFlight) {
            f.future.get(30, TimeUnit.SECONDS);
            done.add(f);
        }
        inFlight.clear();
    }

    /** Waits until the LB has {@code rs} up and not draining again. */
    private static void awaitRoutable(Cluster cluster, String rs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String up = "qdsr_lb_backend_up{backend=\"" + rs + "\"}";
        String draining = "qdsr_lb_backend_draining{backend=\"" + rs + "\"}";
        while (true) {
            String m = cluster.lbMetrics();
            if (Cluster.sample(m, up) == 1.0 && Cluster.sample(m, draining) == 0.0) {
                return;
            }
            assertThat(System.nanoTime()).as("%s routable again; logs:\n%s", rs, cluster.logs()).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
