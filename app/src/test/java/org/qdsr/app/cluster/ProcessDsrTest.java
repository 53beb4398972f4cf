package org.qdsr.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.app.Main;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.rs.content.ServedBy;
import picocli.CommandLine;

/**
 * Single-host DSR across processes: {@code qdsr rs} twice and {@code qdsr lb} as child JVMs;
 * one client connection fetches 20 files and every datagram it receives comes from the VIP.
 */
@Timeout(60)
class ProcessDsrTest {
    private static final int[] SIZES = {0, 1, 13, 100, 1199, 1200, 1201, 4096, 10_000, 16_384, 65_535, 65_536,
        100_000, 262_144, 500_000, 1_000_000, 1_500_000, 2_000_000, 2_500_000, 3 * 1024 * 1024};

    @TempDir
    Path tmp;

    @Test
    void twentyFilesOverOneConnectionAllFromTheVip() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("www"));
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (int i = 0; i < SIZES.length; i++) {
            sizes.put(i % 3 == 0 ? "sub/f" + i + ".bin" : "f" + i + ".bin", SIZES[i]);
        }
        Map<String, byte[]> files = Cluster.writeFiles(root, sizes, 7);
        try (Cluster cluster = Cluster.start(tmp, root, List.of("rs1", "rs2"))) {
            cluster.awaitBackendsUp(2, 15_000);
            Set<String> servedBy = new HashSet<>();
            try (RecordingClient client = RecordingClient.connect(cluster.vip)) {
                List<RecordingClient.Fetch> fetches = new ArrayList<>();
                for (String name : files.keySet()) {
                    fetches.add(client.get("/" + name));
                }
                for (RecordingClient.Fetch f : fetches) {
                    Http3Result r = f.future.get(30, TimeUnit.SECONDS);
                    byte[] want = files.get(f.path.substring(1));
                    assertThat(r.response().status()).as(f.path).isEqualTo(200);
                    assertThat(r.bodyBytes()).as(f.path).isEqualTo(want.length);
                    assertThat(f.body()).as(f.path).isEqualTo(want);
                    servedBy.add(r.response().header(ServedBy.HEADER));
                }
                assertThat(client.datagrams()).isPositive();
                assertThat(client.sources()).as("sources of every datagram the client received")
                        .containsExactly(cluster.vip);
                // While the connection is open: the last ACKs reach the real servers, which report FINISHED.
                assertDirectServerReturn(cluster, files);
            }
            assertThat(servedBy).as("x-served-by; logs:\n%s", cluster.logs()).containsExactlyInAnyOrder("rs1", "rs2");
            runGetCommand(cluster, files);
        }
    }

    /**
     * The LB handed every stream off in isolated mode and sent almost nothing itself; the real
     * servers' end-of-stream reports (which may trail the client's last byte) cover every body.
     */
    private static void assertDirectServerReturn(Cluster cluster, Map<String, byte[]> files) throws Exception {
        long bodies = files.values().stream().mapToLong(b -> b.length).sum();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(10);
        String metrics = cluster.lbMetrics();
        double first = reported(metrics);
        while (reported(metrics) < bodies && System.nanoTime() < deadline) {
            Thread.sleep(100);
            metrics = cluster.lbMetrics();
        }
        System.out.printf("ProcessDsrTest: reported bytes %.0f at first scrape, %.0f after %d ms (bodies %d)%n",
                first, reported(metrics), (System.nanoTime() - start) / 1_000_000, bodies);
        assertThat(Cluster.sample(metrics, "qdsr_lb_handoffs_total{mode=\"isolated\"}")).as(metrics)
                .isEqualTo(files.size());
        assertThat(Cluster.sample(metrics, "qdsr_lb_handoffs_total{mode=\"proxy\"}")).as(metrics).isZero();
        assertThat(Cluster.sample(metrics, "qdsr_lb_proxy_relayed_bytes_total")).as(metrics).isZero();
        assertThat(Cluster.sample(metrics, "qdsr_lb_vip_sent_bytes_total")).as(metrics).isLessThan(bodies / 100.0);
        assertThat(reported(metrics)).as("body bytes %d; %s", bodies, metrics).isGreaterThanOrEqualTo(bodies);
    }

    private static double reported(String metrics) {
        return Cluster.sample(metrics, "qdsr_lb_backend_reported_bytes_total{backend=\"rs1\"}")
                + Cluster.sample(metrics, "qdsr_lb_backend_reported_bytes_total{backend=\"rs2\"}");
    }

    /** {@code qdsr get --output-dir} in-process for the same URLs: bytes match. */
    private void runGetCommand(Cluster cluster, Map<String, byte[]> files) throws Exception {
        Path out = tmp.resolve("out");
        List<String> args = new ArrayList<>(List.of("get", "--insecure", "--timeout", "30", "--output-dir",
                out.toString()));
        for (String name : files.keySet()) {
            args.add("https://localhost:" + cluster.vip.getPort() + "/" + name);
        }
        StringWriter text = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(text, true));
        cl.setErr(new PrintWriter(text, true));
        assertThat(cl.execute(args.toArray(String[]::new))).as("qdsr get: %s", text).isZero();
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path saved = out.resolve(Path.of(e.getKey()).getFileName().toString());
            assertThat(Files.readAllBytes(saved)).as(e.getKey()).isEqualTo(e.getValue());
        }
    }
}
