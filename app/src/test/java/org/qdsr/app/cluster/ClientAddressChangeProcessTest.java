package org.qdsr.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.app.peers.Ngtcp2;
import org.qdsr.rs.content.SyntheticSource;

/**
 * A real client that changes address mid-connection (ngtcp2's gtlsclient 0.12.1) against
 * {@code qdsr lb} (auto mode: instructed for this client) and two {@code qdsr rs --synthetic}
 * processes on loopback: the LB validates the new address and the real servers send the rest of
 * every response there. Every object is compared byte for byte (gtlsclient exits 0 even after an
 * idle timeout with truncated files, so the exit code alone proves nothing).
 *
 * <p>What gtlsclient 0.12.1's options do (found by experiment, docs/operations.md):
 * {@code --change-local-addr=D} moves to a new local port D after the handshake and validates
 * the new path itself (PATH_CHALLENGE from the new address, which the LB must answer there),
 * then sends from it: active migration. With {@code --nat-rebinding} it moves without
 * validating and then sends nothing until it has something to send: packets to the old port
 * are ignored ("ignore packet from unknown path"), so mid-download no server can ever learn the
 * new address and the download idles out. The rebinding case therefore delays the requests
 * ({@code --delay-stream}) so that they are the first packets from the new port.
 */
@Timeout(180)
class ClientAddressChangeProcessTest {
    private static final int[] SIZES = {10_000_000, 7_000_000, 5_000_000};

    @TempDir
    Path tmp;
    /** The LB's metrics at the end of the last {@link #download}. */
    private String lastMetrics;

    @BeforeEach
    void requireGtlsclient() {
        if (!Files.isExecutable(Ngtcp2.CLIENT)) {
            fail("gtlsclient missing (" + Ngtcp2.CLIENT + "): apt-get install ngtcp2-client");
        }
    }

    /** Active migration (RFC 9000 §9.2) while the three responses are streaming. */
    @Test
    void activeMigrationMidDownload() throws Exception {
        String log = download(List.of("--change-local-addr=600ms"));
        String before = log.substring(0, log.indexOf("Changing local address"));
        assertThat(count(before, "Received packet:")).as("response packets before the move (mid-transfer)")
                .isGreaterThan(20);
        assertThat(log).contains("Path validation against path");
        assertThat(Cluster.sample(lastMetrics, "qdsr_lb_client_connection_id_rotations_total"))
                .as("answered under a fresh connection ID of the client's (RFC 9000 §9.5)").isEqualTo(1);
    }

    /** NAT rebinding (RFC 9000 §9.3): a new port without path validation, revealed by the next packets. */
    @Test
    void natRebindingBeforeTheRequests() throws Exception {
        String log = download(List.of("--change-local-addr=100ms", "--nat-rebinding", "--delay-stream=500ms"));
        assertThat(log).doesNotContain("Path validation against path");
        assertThat(Cluster.sample(lastMetrics, "qdsr_lb_client_connection_id_rotations_total"))
                .as("a rebinding keeps the connection ID").isZero();
    }

    /** Runs gtlsclient against a fresh cluster, checks every body and the LB's and RSs' view; returns the client log. */
    private String download(List<String> flags) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("download"));
        Path log = tmp.resolve("gtlsclient.log");
        try (Cluster cluster = Cluster.startSynthetic(tmp, List.of("rs1", "rs2"))) {
            cluster.awaitBackendsUp(2, 15_000);
            List<String> paths = new ArrayList<>();
            for (int size : SIZES) {
                paths.add("/bytes/" + size);
            }
            List<String> extra = new ArrayList<>(flags);
            extra.addAll(List.of("--download", dir.toString()));
            int exit = Ngtcp2.runToCompletion(Ngtcp2.clientCommand(cluster.vip.getPort(), extra, false, paths), log, 90);
            String clientLog = Files.readString(log);
            String evidence = tail(clientLog) + "\n" + cluster.logs();
            assertThat(exit).as("gtlsclient exit; %s", evidence).isZero();
            assertThat(clientLog).contains("Changing local address");
            for (int size : SIZES) {
                Path got = dir.resolve(Integer.toString(size));
                assertThat(got).as(evidence).exists();
                byte[] want = new byte[size];
                SyntheticSource.fill(0, want, 0, size);
                assertThat(Files.readAllBytes(got)).as("/bytes/%d byte for byte; %s", size, evidence).isEqualTo(want);
            }
            String metrics = cluster.lbMetrics();
            lastMetrics = metrics;
            assertThat(Cluster.sample(metrics, "qdsr_lb_peer_address_validations_total")).isGreaterThanOrEqualTo(1);
            assertThat(Cluster.sample(metrics, "qdsr_lb_peer_address_updates_total")).as("both real servers told")
                    .isGreaterThanOrEqualTo(2);
            assertThat(cluster.lb.output()).contains("validated (new port)");
            for (NodeProcess rs : cluster.servers.values()) {
                assertThat(rs.output()).as(rs.label()).contains("client moved to");
            }
            return clientLog;
        }
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static String tail(String s) {
        return s.length() > 4000 ? "..." + s.substring(s.length() - 4000) : s;
    }
}
