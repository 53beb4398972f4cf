package org.qdsr.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.rs.content.ServedBy;

/**
 * {@code kill -HUP} of a {@code qdsr lb} started with {@code --config}, as processes on loopback:
 * the edited backends and routes apply while the client's connection stays open, the backend
 * taken out finishes the response it is sending byte for byte before its channel closes, a key
 * that needs a restart is named and not applied, and a broken file changes nothing.
 */
class LbReloadProcessTest {
    private static final int LARGE = 64 * 1024 * 1024;

    @TempDir
    Path tmp;

    @Test
    void sighupAppliesBackendsAndRoutesWithoutDroppingTheConnection() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("www"));
        Map<String, Integer> sizes = new LinkedHashMap<>();
        sizes.put("large.bin", LARGE);
        sizes.put("small.txt", 2000);
        Map<String, byte[]> files = Cluster.writeFiles(root, sizes, 41);
        Path tls = Cluster.certs(tmp.resolve("control-tls"), List.of("rs1", "rs2"));
        Path yaml = tmp.resolve("lb.yaml");
        try (Cluster cluster = Cluster.startServers(root, tls, List.of("rs1", "rs2"))) {
            Files.writeString(yaml, config(cluster, tls, "mode: auto\n", "rs1"));
            cluster.startLbWith(List.of("lb", "--config", yaml.toString()));
            cluster.awaitBackendsUp(1, 15_000);
            try (RecordingClient client = RecordingClient.connect(cluster.vip)) {
                RecordingClient.Fetch large = client.get("/large.bin");
                assertThat(servedBy(client)).isEqualTo("rs1");
                RecordingClient.awaitProgress(List.of(large), 1_000_000);

                Files.writeString(yaml, config(cluster, tls, "mode: proxy\n", "rs2"));
                cluster.lb.signal("HUP");
                String reloaded = awaitLine(cluster, "reloaded " + yaml);
                assertThat(reloaded).contains("added [rs2], removed [rs1]").contains("not applied: [mode]");
                assertThat(awaitLine(cluster, "backend rs1 removed by a reload")).as("mid-transfer")
                        .endsWith("1 streams to finish");
                awaitLine(cluster, "backend rs2 up");
                for (int i = 0; i < 4; i++) {
                    assertThat(servedBy(client)).as("after the reload").isEqualTo("rs2");
                }
                Http3Result r = large.future.get(60, TimeUnit.SECONDS);
                assertThat(r.response().header(ServedBy.HEADER)).isEqualTo("rs1");
                assertThat(large.body()).as("the removed backend's response").isEqualTo(files.get("large.bin"));
                awaitLine(cluster, "backend rs1 retired: control channel closed (0 streams cut)");

                Files.writeString(yaml, "listen: [this is not\n");
                cluster.lb.signal("HUP");
                assertThat(awaitLine(cluster, "reload of " + yaml + " failed")).contains("configuration unchanged");
                assertThat(servedBy(client)).as("still served after a broken file").isEqualTo("rs2");
                assertThat(client.state()).as("one connection throughout").isEqualTo(QuicConnection.State.ESTABLISHED);
            }
        }
    }

    private static String config(Cluster c, Path tls, String mode, String backend) {
        return "listen: \"127.0.0.1:" + c.vip.getPort() + "\"\n" + mode + "control: {tls: " + tls + "}\n"
                + "backends:\n  - {name: " + backend + ", address: \"127.0.0.1:" + c.controlPorts.get(backend) + "\"}\n";
    }

    private static String servedBy(RecordingClient client) throws Exception {
        Http3Result r = client.get("/small.txt").future.get(20, TimeUnit.SECONDS);
        assertThat(r.response().status()).isEqualTo(200);
        return r.response().header(ServedBy.HEADER);
    }

    /** The first line of the LB's output that contains {@code text}, waiting up to 20 s for it. */
    private static String awaitLine(Cluster cluster, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            for (String line : cluster.lb.output().split("\n")) {
                if (line.contains(text)) {
                    return line;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no line with '" + text + "'; logs:\n" + cluster.logs());
    }
}
