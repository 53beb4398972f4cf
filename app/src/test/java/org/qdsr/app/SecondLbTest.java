package org.qdsr.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.qdsr.app.InProcessCommand.freeUdpPort;
import static org.qdsr.app.InProcessCommand.start;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.app.InProcessCommand.Running;
import org.qdsr.app.net.Http3Client;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.tls.ClientTlsConfig;

/**
 * The VIP socket is bound with SO_REUSEADDR (the real servers share its port on the wildcard
 * address), so the kernel lets a second {@code qdsr lb} bind the same VIP:port; it must refuse
 * to start (Linux: it finds the first in /proc/net/udp), and the first goes on serving.
 */
class SecondLbTest {
    @TempDir
    Path dir;

    @Test
    void aSecondLbOnTheSameVipRefusesToStartAndTheFirstKeepsServing() throws Exception {
        assertThat(Files.isReadable(Path.of("/proc/net/udp")))
                .as("this test needs Linux with /proc mounted: the check reads /proc/net/udp").isTrue();
        Path root = Files.createDirectories(dir.resolve("www"));
        byte[] file = new byte[50_000];
        new Random(3).nextBytes(file);
        Files.write(root.resolve("f.bin"), file);
        int vipPort = freeUdpPort();
        String vip = "127.0.0.1:" + vipPort;
        RsCommand rs = new RsCommand();
        Running rsRun = start(rs, rs::stop, "--control", "127.0.0.1:0", "--vip", vip, "--bind", "WILDCARD",
                "--insecure-control", "--root", root.toString());
        try (rsRun) {
            assertThat(rs.awaitReady(30, TimeUnit.SECONDS)).as("rs ready: %s", rsRun.out()).isTrue();
            String backend = "127.0.0.1:" + rs.controlAddress().getPort();
            LbCommand first = new LbCommand();
            Running firstRun = start(first, first::stop, "--listen", vip, "--backend", backend, "--insecure-control",
                    "--mode", "instructed");
            try (firstRun) {
                assertThat(first.awaitReady(30, TimeUnit.SECONDS)).as("first lb ready: %s", firstRun.out()).isTrue();

                CompletableFuture<CliHarness.Run> running = CompletableFuture.supplyAsync(() -> CliHarness.run("lb",
                        "--listen", vip, "--backend", backend, "--insecure-control"));
                CliHarness.Run second;
                try {
                    second = running.get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("the second lb started on " + vip + " and runs");
                }

                assertThat(second.exitCode()).as("output: %s", second.err()).isEqualTo(Main.FAILURE);
                assertThat(second.err()).contains("qdsr lb: another process is already bound to " + vip
                        + " (a second LB");
                assertThat(second.out()).doesNotContain("listening on");
                assertThat(fetch(first.vipAddress())).isEqualTo(file.length);
            }
        }
    }

    /** The file's length as served through the VIP (503 while the backend's channel comes up: asks again). */
    private static long fetch(InetSocketAddress vip) throws Exception {
        try (Http3Client client = Http3Client.start("second-lb-test-client")) {
            Http3Client.Connection c = client.connect(vip,
                    ClientTlsConfig.of("localhost", List.of("h3")).withInsecure(true), ConnectionConfig.defaults());
            for (int attempt = 0; ; attempt++) {
                Http3Result r = c.request("GET", "localhost:" + vip.getPort(), "/f.bin", List.of(), null,
                        (buf, off, len) -> { }).get(30, TimeUnit.SECONDS);
                if (r.response().status() != 503 || attempt == 100) {
                    assertThat(r.response().status()).isEqualTo(200);
                    c.closeWhenIdle();
                    return r.bodyBytes();
                }
                Thread.sleep(100);
            }
        }
    }
}
