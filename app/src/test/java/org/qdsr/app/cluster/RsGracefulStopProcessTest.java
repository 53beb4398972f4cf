package org.qdsr.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.rs.content.ServedBy;

/**
 * A rolling restart's first half, as processes on loopback: {@code bin/qdsr rs} stopped with
 * SIGTERM while it sends responses tells the LB it drains, finishes those responses byte for byte
 * (the LB keeps forwarding the client's ACKs), and exits; the LB routes every later request of
 * the same connection to the other server and fails no stream.
 */
class RsGracefulStopProcessTest {
    private static final int LARGE = 16 * 1024 * 1024;
    private static final int FILES = 4;

    @TempDir
    Path tmp;

    @Test
    void sigtermedRealServerFinishesItsResponsesAndGetsNoNewOnes() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("www"));
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (int i = 0; i < FILES; i++) {
            sizes.put("large" + i + ".bin", LARGE);
        }
        sizes.put("small.txt", 2000);
        Map<String, byte[]> files = Cluster.writeFiles(root, sizes, 23);
        try (Cluster cluster = Cluster.start(tmp, root, List.of("rs1", "rs2"))) {
            cluster.awaitBackendsUp(2, 15_000);
            try (RecordingClient client = RecordingClient.connect(cluster.vip)) {
                List<RecordingClient.Fetch> large = new ArrayList<>();
                for (int i = 0; i < FILES; i++) {
                    large.add(client.get("/large" + i + ".bin"));
                }
                RecordingClient.awaitProgress(large, 1_000_000);
                int exit = cluster.servers.get("rs1").terminate(30);
                assertThat(exit).as("rs1 ran its shutdown hook; logs:\n%s", cluster.logs()).isEqualTo(143);
                assertThat(cluster.servers.get("rs1").output()).as("rs1's last line")
                        .contains("shutdown: every stream finished");
                Set<String> servedBy = new HashSet<>();
                for (RecordingClient.Fetch f : large) {
                    Http3Result r = f.future.get(30, TimeUnit.SECONDS);
                    assertThat(r.response().status()).as(f.path).isEqualTo(200);
                    assertThat(f.body()).as(f.path).isEqualTo(files.get(f.path.substring(1)));
                    servedBy.add(r.response().header(ServedBy.HEADER));
                }
                assertThat(servedBy).as("both servers had large responses in flight").containsExactlyInAnyOrder("rs1",
                        "rs2");
                for (int i = 0; i < 6; i++) {
                    RecordingClient.Fetch f = client.get("/small.txt");
                    Http3Result r = f.future.get(10, TimeUnit.SECONDS);
                    assertThat(r.response().status()).isEqualTo(200);
                    assertThat(r.response().header(ServedBy.HEADER)).isEqualTo("rs2");
                    assertThat(f.body()).isEqualTo(files.get("small.txt"));
                }
                String metrics = cluster.lbMetrics();
                assertThat(Cluster.sample(metrics, "qdsr_lb_streams_failed_total")).as(metrics).isZero();
                assertThat(Cluster.sample(metrics, "qdsr_lb_no_backend_responses_total")).isZero();
            }
        }
    }
}
