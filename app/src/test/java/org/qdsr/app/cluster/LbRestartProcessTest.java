package org.qdsr.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.app.config.LbConfig;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.quic.connection.QuicConnection;

/**
 * A crashed and restarted {@code qdsr lb} (kill -9, same flags), as processes on loopback. With
 * the endpoint secret that {@code qdsr certs} writes ({@code vip.secret}, read from the control
 * TLS folder), the new LB's stateless reset (RFC 9000 §10.3) carries the token the client got
 * from the old one: the client learns at its next packet that its connection is gone, and a new
 * connection is served. Without the secret the reset is not recognised and the client would wait
 * for its idle timeout.
 */
class LbRestartProcessTest {
    @TempDir
    Path tmp;

    @Test
    void withTheSharedSecretClientsOfACrashedLbAreResetAtTheirNextPacket() throws Exception {
        try (Cluster cluster = cluster(); RecordingClient client = servedThenLbRestarted(cluster, true)) {
            RecordingClient.Fetch late = client.get("/small.txt");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!stateIsGone(client) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(client.state()).as("reset by the new LB; logs:\n%s", cluster.logs())
                    .isIn(QuicConnection.State.DRAINING, QuicConnection.State.CLOSED);
            assertThat(late.future).isCompletedExceptionally();
            assertThat(Cluster.sample(cluster.lbMetrics(), "qdsr_lb_stateless_resets_total")).isPositive();
            assertThat(cluster.lb.output()).contains("keys derived from " + cluster.controlTls.resolve("vip.secret"));

            try (RecordingClient again = RecordingClient.connect(cluster.vip)) {
                Http3Result r = again.get("/small.txt").future.get(20, TimeUnit.SECONDS);
                assertThat(r.response().status()).as("a new connection is served").isEqualTo(200);
            }
        }
    }

    @Test
    void withoutItTheResetIsNotRecognised() throws Exception {
        try (Cluster cluster = cluster(); RecordingClient client = servedThenLbRestarted(cluster, false)) {
            client.get("/small.txt");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Cluster.sample(cluster.lbMetrics(), "qdsr_lb_stateless_resets_total") < 1) {
                assertThat(System.nanoTime()).as("the new LB answers with a reset").isLessThan(deadline);
                Thread.sleep(20);
            }
            Thread.sleep(1000);
            assertThat(client.state()).as("a reset under another key is ignored (RFC 9000 §10.3.1)")
                    .isEqualTo(QuicConnection.State.ESTABLISHED);
        }
    }

    private Cluster cluster() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("www"));
        Cluster.writeFiles(root, Map.of("small.txt", 2000), 31);
        Cluster c = Cluster.start(tmp, root, List.of("rs1", "rs2"));
        c.awaitBackendsUp(2, 15_000);
        return c;
    }

    /** A client served once, then the LB crashes and comes back (with or without vip.secret). */
    private static RecordingClient servedThenLbRestarted(Cluster cluster, boolean keepSecret) throws Exception {
        RecordingClient client = RecordingClient.connect(cluster.vip);
        Http3Result first = client.get("/small.txt").future.get(20, TimeUnit.SECONDS);
        assertThat(first.response().status()).isEqualTo(200);
        if (!keepSecret) {
            Files.delete(cluster.controlTls.resolve(LbConfig.SECRET_FILE_NAME));
        }
        cluster.restartLbAfterCrash();
        cluster.awaitBackendsUp(2, 15_000);
        return client;
    }

    private static boolean stateIsGone(RecordingClient client) throws Exception {
        QuicConnection.State s = client.state();
        return s == QuicConnection.State.DRAINING || s == QuicConnection.State.CLOSED;
    }
}
