package org.qdsr.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.app.Main;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * {@code qdsr lb --access-log FILE} in front of two {@code qdsr rs --synthetic} (child JVMs on
 * loopback) and {@code qdsr get} of a few URLs, with and without server paths: after the LB
 * stopped (SIGTERM), the file holds one JSON line per URL with the backend, the mode, the status
 * and bytes the real server reported, and how the stream ended.
 */
@Timeout(90)
class LbAccessLogProcessTest {
    private static final int[] SIZES = {0, 1_000, 70_000, 300_000};

    @TempDir
    Path tmp;

    @Test
    void oneLinePerUrlAfterTheLbStops() throws Exception {
        Path log = tmp.resolve("logs/lb.access.log");
        Files.createDirectories(log.getParent());
        Path tls = Cluster.certs(tmp.resolve("control-tls"), List.of("rs1", "rs2"));
        try (Cluster cluster = Cluster.startServers(null, tls, List.of("rs1", "rs2"))) {
            cluster.startLb(List.of("--control-tls", tls.toString(), "--access-log", log.toString()));
            cluster.awaitBackendsUp(2, 15_000);
            String base = "https://localhost:" + cluster.vip.getPort();
            List<String> urls = new ArrayList<>();
            for (int size : SIZES) {
                urls.add(base + "/bytes/" + size);
            }
            assertThat(get(urls, false)).as("qdsr get (isolated)").isZero();
            assertThat(get(urls, true)).as("qdsr get --no-server-paths (instructed)").isZero();
            assertThat(get(List.of(base + "/nope"), false)).as("a 404 fails qdsr get").isNotZero();
            // 143: the JVM ran its shutdown hooks (the drain, then the log's last flush) after SIGTERM
            assertThat(cluster.lb.terminate(30)).as("lb exit; logs:\n%s", cluster.logs()).isEqualTo(143);

            List<String> lines = Files.readAllLines(log);
            System.out.println("LbAccessLogProcessTest, the LB's access log:\n" + String.join("\n", lines));
            assertThat(lines).as("one line per URL; lb output:\n%s", cluster.lb.output()).hasSize(2 * SIZES.length + 1);
            List<Map<String, Object>> entries = new ArrayList<>();
            for (String line : lines) {
                Map<String, Object> e = new Yaml().load(line); // JSON is YAML: an independent parser
                entries.add(e);
                assertThat(e).containsKeys("time", "connection", "stream", "duration_ms");
                assertThat(e.get("backend")).as(line).isIn("rs1", "rs2");
                assertThat(e.get("method")).isEqualTo("GET");
                assertThat(e.get("authority")).isEqualTo("localhost:" + cluster.vip.getPort());
                assertThat((String) e.get("client")).startsWith("127.0.0.1:");
                assertThat(e.get("outcome")).as(line).isIn("finished", "sent", "closed");
            }
            for (String mode : List.of("isolated", "instructed")) {
                for (int size : SIZES) {
                    Map<String, Object> e = entries.stream().filter(x -> x.get("mode").equals(mode)
                            && x.get("path").equals("/bytes/" + size)).findFirst().orElseThrow();
                    long bytes = ((Number) e.get("bytes")).longValue();
                    assertThat(bytes).as("%s %s: stream bytes (body and framing)", mode, e).isBetween((long) size,
                            size + 200L);
                    assertThat(e.get("status")).as("from the RS (report or StreamReady): %s", e).isEqualTo(200);
                }
            }
            Map<String, Object> nope = entries.stream().filter(x -> x.get("path").equals("/nope")).findFirst()
                    .orElseThrow();
            assertThat(nope.get("status")).isEqualTo(404);
            assertThat(entries.stream().map(e -> e.get("backend")).distinct()).hasSize(2);
        }
    }

    private int get(List<String> urls, boolean noServerPaths) {
        List<String> args = new ArrayList<>(List.of("get", "--insecure", "--timeout", "30", "--output-dir",
                tmp.resolve(noServerPaths ? "out-instructed" : "out").toString()));
        if (noServerPaths) {
            args.add("--no-server-paths");
        }
        args.addAll(urls);
        StringWriter text = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(text, true));
        cl.setErr(new PrintWriter(text, true));
        return cl.execute(args.toArray(String[]::new));
    }
}
