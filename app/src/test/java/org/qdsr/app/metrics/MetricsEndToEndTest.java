package org.qdsr.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.qdsr.app.InProcessCommand.freeUdpPort;
import static org.qdsr.app.InProcessCommand.start;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.app.InProcessCommand.Running;
import org.qdsr.app.LbCommand;
import org.qdsr.app.RsCommand;
import org.qdsr.app.net.Http3Client;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.tls.ClientTlsConfig;

/**
 * {@code qdsr lb --config FILE --metrics} and two {@code qdsr rs --metrics} in this process on
 * loopback, a client fetching files through the VIP, and a scrape of each /metrics endpoint.
 */
class MetricsEndToEndTest {
    private static final int FILES = 4;
    private static final int SIZE = 150_000;

    @TempDir
    Path dir;

    @Test
    void countersMoveAndParse() throws Exception {
        Path root = Files.createDirectories(dir.resolve("www"));
        Random random = new Random(7);
        for (int i = 0; i < FILES; i++) {
            byte[] b = new byte[SIZE];
            random.nextBytes(b);
            Files.write(root.resolve("f" + i + ".bin"), b);
        }
        int vipPort = freeUdpPort();
        List<Running> all = new ArrayList<>();
        try {
            List<RsCommand> servers = new ArrayList<>();
            for (String name : List.of("rs1", "rs2")) {
                RsCommand rs = new RsCommand();
                all.add(start(rs, rs::stop, "--name", name, "--control", "127.0.0.1:0", "--vip",
                        "127.0.0.1:" + vipPort, "--bind", "WILDCARD", "--insecure-control", "--root", root.toString(),
                        "--metrics", "127.0.0.1:0", "--access-log", dir.resolve(name + ".access.log").toString()));
                assertThat(rs.awaitReady(30, TimeUnit.SECONDS)).as("rs ready: %s", all.get(all.size() - 1).out())
                        .isTrue();
                servers.add(rs);
            }
            Path config = dir.resolve("lb.yaml");
            Files.writeString(config, "listen: \"127.0.0.1:" + vipPort + "\"\nmode: isolated\n"
                    + "retry: always\ncontrol: {insecure: true}\nbackends:\n"
                    + "  - {name: rs1, address: \"127.0.0.1:" + servers.get(0).controlAddress().getPort() + "\"}\n"
                    + "  - {name: rs2, address: \"127.0.0.1:" + servers.get(1).controlAddress().getPort() + "\"}\n");
            LbCommand lb = new LbCommand();
            all.add(start(lb, lb::stop, "--config", config.toString(), "--metrics", "127.0.0.1:0"));
            assertThat(lb.awaitReady(30, TimeUnit.SECONDS)).as("lb ready: %s", all.get(all.size() - 1).out()).isTrue();
            assertThat(all.get(2).out().toString()).contains("metrics on http://127.0.0.1:"
                    + lb.metricsAddress().getPort() + "/metrics");
            awaitMetric(lb.metricsAddress(), "qdsr_lb_backend_up{backend=\"rs2\"}", 1);
            awaitMetric(lb.metricsAddress(), "qdsr_lb_backend_up{backend=\"rs1\"}", 1);

            long body = fetch(lb.vipAddress());
            assertThat(body).isEqualTo((long) FILES * SIZE);

            Map<String, Double> l = PromText.scrape(lb.metricsAddress());
            assertThat(PromText.value(l, "qdsr_lb_handoffs_total{mode=\"isolated\"}")).isEqualTo(FILES);
            assertThat(PromText.value(l, "qdsr_lb_handoffs_total{mode=\"proxy\"}")).isZero();
            assertThat(PromText.value(l, "qdsr_lb_connections_total")).isEqualTo(1);
            assertThat(PromText.value(l, "qdsr_lb_retries_total")).as("retry: always").isEqualTo(1);
            assertThat(PromText.value(l, "qdsr_lb_handshakes_in_progress")).isZero();
            assertThat(PromText.value(l, "qdsr_lb_connections_refused_total{reason=\"limit\"}")).isZero();
            assertThat(PromText.value(l, "qdsr_lb_connections_refused_total{reason=\"stopping\"}")).isZero();
            assertThat(PromText.value(l, "qdsr_lb_vip_received_bytes_total")).isPositive();
            assertThat(PromText.value(l, "qdsr_lb_vip_sent_bytes_total")).isPositive().isLessThan(body / 10.0);
            assertThat(PromText.value(l, "qdsr_lb_acks_forwarded_total")).isPositive();
            assertThat(PromText.value(l, "qdsr_lb_loop_turns_total")).isPositive()
                    .isGreaterThanOrEqualTo(PromText.value(l, "qdsr_lb_loop_coalesced_turns_total"));
            assertThat(PromText.value(l, "qdsr_lb_no_backend_responses_total")).isZero();
            assertThat(PromText.value(l, "qdsr_lb_backend_vip_mismatch{backend=\"rs1\"}")).isZero();
            assertThat(PromText.value(l, "qdsr_lb_backend_handoffs_total{backend=\"rs1\"}")
                    + PromText.value(l, "qdsr_lb_backend_handoffs_total{backend=\"rs2\"}")).isEqualTo(FILES);
            assertThat(l).containsKeys("qdsr_lb_active_connections", "qdsr_lb_stateless_resets_total",
                    "qdsr_lb_proxy_relayed_bytes_total", "qdsr_lb_ack_frequency_frames_total",
                    "qdsr_lb_peer_address_validations_total", "qdsr_lb_peer_address_updates_total",
                    "qdsr_lb_peer_address_validations_abandoned_total",
                    "qdsr_lb_streams_failed_total", "qdsr_lb_control_send_failures_total",
                    "qdsr_lb_backend_outstanding_streams{backend=\"rs1\"}", "qdsr_lb_errors_total{kind=\"udp_send\"}");

            double rsBytes = 0;
            double handoffs = 0;
            for (RsCommand rs : servers) {
                Map<String, Double> r = PromText.scrape(rs.metricsAddress());
                rsBytes += PromText.value(r, "qdsr_rs_sent_bytes_total");
                handoffs += PromText.value(r, "qdsr_rs_handoffs_total");
                assertThat(PromText.value(r, "qdsr_rs_received_bytes_total")).isZero();
                assertThat(r).containsKeys("qdsr_rs_active_connections", "qdsr_rs_active_streams",
                        "qdsr_rs_peer_address_updates_total",
                        "qdsr_rs_streams_total{outcome=\"finished\"}", "qdsr_rs_streams_total{outcome=\"reset\"}",
                        "qdsr_rs_errors_total{kind=\"bad_ack\"}");
            }
            assertThat(handoffs).isEqualTo(FILES);
            assertThat(rsBytes).isGreaterThan(body);
            assertAccessLogs();
        } finally {
            for (int i = all.size() - 1; i >= 0; i--) {
                all.get(i).close();
            }
        }
    }

    /** A real server whose --vip is not the LB's: the LB says so in its log and its metrics. */
    @Test
    void aRealServerSendingFromAnotherAddressIsFlagged() throws Exception {
        int vipPort = freeUdpPort();
        int wrongPort = freeUdpPort();
        RsCommand rs = new RsCommand();
        LbCommand lb = new LbCommand();
        try (var rsRun = start(rs, rs::stop, "--name", "rs1", "--control", "127.0.0.1:0", "--vip",
                "127.0.0.1:" + wrongPort, "--bind", "WILDCARD", "--insecure-control", "--synthetic")) {
            assertThat(rs.awaitReady(30, TimeUnit.SECONDS)).as("rs: %s", rsRun.out()).isTrue();
            try (var lbRun = start(lb, lb::stop, "--listen", "127.0.0.1:" + vipPort, "--insecure-control",
                    "--backend", "rs1=127.0.0.1:" + rs.controlAddress().getPort(), "--metrics", "127.0.0.1:0")) {
                assertThat(lb.awaitReady(30, TimeUnit.SECONDS)).as("lb: %s", lbRun.out()).isTrue();
                awaitMetric(lb.metricsAddress(), "qdsr_lb_backend_vip_mismatch{backend=\"rs1\"}", 1);
            }
        }
    }

    /** One JSON line per response in the access logs of the two RSs (the FINISHED ones follow the last ACK). */
    private void assertAccessLogs() throws Exception {
        List<String> lines = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            lines.clear();
            for (String name : List.of("rs1", "rs2")) {
                lines.addAll(Files.readAllLines(dir.resolve(name + ".access.log")));
            }
            if (lines.size() >= FILES || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(20);
        }
        assertThat(lines).hasSize(FILES);
        for (int i = 0; i < FILES; i++) {
            String path = "\"path\":\"/f" + i + ".bin\"";
            String line = lines.stream().filter(l -> l.contains(path)).findFirst().orElseThrow();
            assertThat(lines).filteredOn(l -> l.contains(path)).as(path).hasSize(1);
            assertThat(line).startsWith("{\"time\":\"").contains("\"mode\":\"isolated\"", "\"method\":\"GET\"",
                    "\"status\":200", "\"client\":\"127.0.0.1:").containsPattern("\"outcome\":\"(finished|sent)\"")
                    .endsWith("}");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"bytes\":(\\d+)").matcher(line);
            assertThat(m.find()).isTrue();
            assertThat(Long.parseLong(m.group(1))).as("the body and its HTTP/3 framing").isBetween((long) SIZE,
                    SIZE + 200L);
        }
    }

    private static long fetch(InetSocketAddress vip) throws Exception {
        try (Http3Client client = Http3Client.start("metrics-test-client")) {
            Http3Client.Connection c = client.connect(vip,
                    ClientTlsConfig.of("localhost", List.of("h3")).withInsecure(true),
                    ConnectionConfig.defaults().withPaths(16, true));
            List<CompletableFuture<Http3Result>> results = new ArrayList<>();
            for (int i = 0; i < FILES; i++) {
                results.add(c.request("GET", "localhost:" + vip.getPort(), "/f" + i + ".bin", List.of(), null,
                        (buf, off, len) -> { }));
            }
            long total = 0;
            for (CompletableFuture<Http3Result> f : results) {
                Http3Result r = f.get(30, TimeUnit.SECONDS);
                assertThat(r.response().status()).isEqualTo(200);
                total += r.bodyBytes();
            }
            c.closeWhenIdle();
            return total;
        }
    }

    private static void awaitMetric(InetSocketAddress at, String key, double want) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Double v = PromText.scrape(at).get(key);
            if (v != null && v == want) {
                return;
            }
            assertThat(System.nanoTime()).as("%s reached %s (last %s)", key, want, v).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
