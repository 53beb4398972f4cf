package org.qdsr.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.quic.connection.QuicConnection;

/**
 * {@code bin/qdsr lb} stopped with SIGTERM while responses are in flight (processes on loopback,
 * single-host DSR): it sends GOAWAY, the real servers finish every response it had already
 * handed off (byte for byte: the LB keeps forwarding the client's ACKs to them until they are
 * done), the client closes once idle, and the LB then exits on its own, before its drain timeout.
 */
class LbGracefulStopProcessTest {
    private static final int LARGE = 24 * 1024 * 1024;
    private static final int FILES = 4;

    @TempDir
    Path tmp;

    @Test
    void sigtermLetsTheResponsesInFlightFinish() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("www"));
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (int i = 0; i < FILES; i++) {
            sizes.put("large" + i + ".bin", LARGE);
        }
        Map<String, byte[]> files = Cluster.writeFiles(root, sizes, 17);
        try (Cluster cluster = Cluster.start(tmp, root, List.of("rs1", "rs2"))) {
            cluster.awaitBackendsUp(2, 15_000);
            try (RecordingClient client = RecordingClient.connect(cluster.vip)) {
                List<RecordingClient.Fetch> fetches = new ArrayList<>();
                for (String name : files.keySet()) {
                    fetches.add(client.get("/" + name));
                }
                RecordingClient.awaitProgress(fetches, 1_000_000);
                long receivedAtStop = fetches.stream().mapToLong(RecordingClient.Fetch::received).sum();
                int exit = cluster.lb.terminate(30);
                String logs = cluster.logs();
                // 143: the JVM ran its shutdown hooks after SIGTERM (not SIGKILL's 137, not our timeout's -1)
                assertThat(exit).as("LB exit code; logs:\n%s", logs).isEqualTo(143);
                assertThat(cluster.lb.output()).as("the LB's last line").contains("shutdown: every connection finished");
                assertThat(receivedAtStop).as("the stop came mid-transfer").isLessThan((long) FILES * LARGE);
                for (RecordingClient.Fetch f : fetches) {
                    Http3Result r = f.future.get(10, TimeUnit.SECONDS);
                    assertThat(r.response().status()).isEqualTo(200);
                    assertThat(f.body()).as(f.path).isEqualTo(files.get(f.path.substring(1)));
                }
                assertThat(client.state()).isIn(QuicConnection.State.CLOSING, QuicConnection.State.DRAINING,
                        QuicConnection.State.CLOSED);
            }
        }
    }
}
