package org.qdsr.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.http3.session.Http3RequestException;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.rs.content.ServedBy;

/**
 * kill -9 of a real server process in the middle of large transfers: every request completes
 * byte-exact or fails cleanly, the survivor keeps serving the same connection, and the LB
 * reconnects to the restarted process on the same control port.
 */
@Timeout(60)
class RsFailoverProcessTest {
    private static final int LARGE = 12 * 1024 * 1024;
    private static final int LARGE_FILES = 6;

    @TempDir
    Path tmp;

    @Test
    void killedRealServerFailsCleanlySurvivorServesAndRestartRejoins() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("www"));
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (int i = 0; i < LARGE_FILES; i++) {
            sizes.put("large" + i + ".bin", LARGE);
        }
        sizes.put("small.txt", 2000);
        Map<String, byte[]> files = Cluster.writeFiles(root, sizes, 11);
        try (Cluster cluster = Cluster.start(tmp, root, List.of("rs1", "rs2"))) {
            cluster.awaitBackendsUp(2, 15_000);
            try (RecordingClient client = RecordingClient.connect(cluster.vip)) {
                awaitBothServing(client, files, cluster);
                failOverAndRejoin(cluster, client, files);
            }
        }
    }

    /**
     * Small requests until both real servers have answered one, so round robin alternates the
     * large ones between them (the LB may route a new connection's first requests to one only).
     */
    private static void awaitBothServing(RecordingClient client, Map<String, byte[]> files, Cluster cluster)
            throws Exception {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 40 && seen.size() < 2; i++) {
            seen.add(fetchSmall(client, files).response().header(ServedBy.HEADER));
        }
        assertThat(seen).as("both real servers answer; logs:\n%s\n%s", cluster.logs(), cluster.lbMetrics())
                .containsExactlyInAnyOrder("rs1", "rs2");
    }

    private void failOverAndRejoin(Cluster cluster, RecordingClient client, Map<String, byte[]> files)
            throws Exception {
        List<RecordingClient.Fetch> fetches = new ArrayList<>();
        for (int i = 0; i < LARGE_FILES; i++) {
            fetches.add(client.get("/large" + i + ".bin"));
        }
        RecordingClient.awaitProgress(fetches, 2 * 1024 * 1024);
        cluster.servers.get("rs1").kill();
        int inFlightAtKill = (int) fetches.stream().filter(f -> !f.future.isDone()).count();

        List<String> outcomes = new ArrayList<>();
        int survivorCompleted = 0;
        int failed = 0;
        for (RecordingClient.Fetch f : fetches) {
            byte[] want = files.get(f.path.substring(1));
            try {
                Http3Result r = f.future.get(30, TimeUnit.SECONDS);
                outcomes.add(f.path + " " + r.response().status() + " " + r.response().header(ServedBy.HEADER));
                if (r.response().status() == 503) {
                    failed++;
                    continue;
                }
                assertThat(r.response().status()).as(f.path).isEqualTo(200);
                assertThat(f.body()).as(f.path).isEqualTo(want);
                if ("rs2".equals(r.response().header(ServedBy.HEADER))) {
                    survivorCompleted++;
                }
            } catch (ExecutionException e) {
                outcomes.add(f.path + " failed: " + e.getCause());
                assertThat(e.getCause()).as(f.path).isInstanceOf(Http3RequestException.class);
                failed++;
            }
        }
        String summary = "in flight at kill: " + inFlightAtKill + ", outcomes: " + outcomes + "\nlogs:\n"
                + cluster.logs() + "\nLB metrics:\n" + cluster.lbMetrics();
        System.out.println("RsFailoverProcessTest: in flight at kill " + inFlightAtKill + ", " + outcomes);
        assertThat(survivorCompleted).as(summary).isPositive();
        assertThat(failed).as("the killed server's streams cannot complete; " + summary).isPositive();

        for (int i = 0; i < 4; i++) {
            Http3Result r = fetchSmall(client, files);
            assertThat(r.response().header(ServedBy.HEADER)).as(summary).isEqualTo("rs2");
        }

        long restarted = System.nanoTime();
        cluster.startRs("rs1", cluster.controlTls);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        boolean rejoined = false;
        while (!rejoined && System.nanoTime() < deadline) {
            rejoined = "rs1".equals(fetchSmall(client, files).response().header(ServedBy.HEADER));
            Thread.sleep(100);
        }
        assertThat(rejoined).as("rs1 serves again within 15 s; logs:\n%s", cluster.logs()).isTrue();
        assertThat(client.state()).isEqualTo(QuicConnection.State.ESTABLISHED);
        assertThat(client.sources()).as("every datagram, before and after the failover").containsExactly(cluster.vip);
        System.out.printf("RsFailoverProcessTest: rs1 restarted and serving again after %d ms%n",
                (System.nanoTime() - restarted) / 1_000_000);
    }

    private static Http3Result fetchSmall(RecordingClient client, Map<String, byte[]> files) throws Exception {
        RecordingClient.Fetch f = client.get("/small.txt");
        Http3Result r = f.future.get(10, TimeUnit.SECONDS);
        assertThat(r.response().status()).isEqualTo(200);
        assertThat(f.body()).isEqualTo(files.get("small.txt"));
        return r;
    }
}
