package org.qdsr.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.http3.session.Http3Result;

/**
 * The control channel admits only peers of the same cluster CA: an LB with certificates from
 * another {@code qdsr certs} run, or with a plain-TCP control channel, never gets a healthy
 * backend, and clients get 503.
 */
@Timeout(60)
class ControlSecurityProcessTest {
    /** Long enough for several connection attempts with backoff (backends normally join in ~1-2 s). */
    private static final long SETTLE_MILLIS = 3_000;

    @TempDir
    Path tmp;

    @Test
    void lbWithAnotherClustersCertificatesNeverGetsAHealthyBackend() throws Exception {
        Path otherCa = Cluster.certs(tmp.resolve("other-tls"), List.of("rs1"));
        assertRefused(List.of("--control-tls", otherCa.toString()));
    }

    @Test
    void lbWithInsecureControlIsRefusedByATlsRealServer() throws Exception {
        assertRefused(List.of("--insecure-control"));
    }

    private void assertRefused(List<String> lbControlFlags) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(root.resolve("index.html"), "secret");
        Path tls = Cluster.certs(tmp.resolve("rs-tls"), List.of("rs1"));
        try (Cluster cluster = Cluster.startServers(root, tls, List.of("rs1"))) {
            cluster.startLb(lbControlFlags);
            Thread.sleep(SETTLE_MILLIS);
            try (RecordingClient client = RecordingClient.connect(cluster.vip)) {
                for (int i = 0; i < 3; i++) {
                    RecordingClient.Fetch f = client.get("/index.html");
                    Http3Result r = f.future.get(15, TimeUnit.SECONDS);
                    assertThat(r.response().status()).as("logs:\n%s", cluster.logs()).isEqualTo(503);
                    assertThat(new String(f.body())).doesNotContain("secret");
                }
            }
            assertThat(cluster.lb.output()).as("the LB never saw the backend up").doesNotContainPattern("backend \\S+ up");
        }
    }
}
