package org.qdsr.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unmodified foreign QUIC clients through the LB's {@code --mode auto}, which picks the instructed
 * delivery mode for them (no server-paths transport parameter): the LB numbers the packets and runs
 * recovery, the real servers seal and send them from the VIP. Two clients: ngtcp2's
 * {@code gtlsclient} (20 files on one connection) and headless Chromium (a page that fetches four
 * 1 MiB objects and hashes them with WebCrypto). Asserts byte-exact bodies, instructed handoffs on
 * the LB, and that the bodies left the RSs' interfaces rather than the LB's. Needs root, iproute2,
 * curl, {@code ngtcp2-client} and {@code chromium}; fails (never skips) without them.
 *
 * <p>Diagnosis switches: {@code -Dqdsr.interop.mode=proxy} runs the same clients through proxy
 * mode, to tell harness problems from instructed-mode bugs (the instructed-only assertions are then
 * replaced by proxy ones); {@code -Dqdsr.interop.backends=rs1} gives the LB one backend;
 * {@code -Dqdsr.interop.qlog=FILE} makes gtlsclient write a qlog (duplicate and reordered packets).
 * Measured numbers (bytes per interface, LB egress / payload) go to standard output.
 */
class InstructedInteropTest {
    private static final String MODE = System.getProperty("qdsr.interop.mode", "auto");
    private static final String GTLSCLIENT = "/usr/bin/gtlsclient";
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final Pattern OUT = Pattern.compile("<pre id=\"out\">([^<]*)</pre>");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 100, unit = TimeUnit.SECONDS)
    void ngtcp2ClientFetchesTwentyFilesThroughTheVip() throws IOException {
        InteropRig.requireBinary(GTLSCLIENT, "ngtcp2-client");
        Path root = dir.resolve("root");
        Map<String, byte[]> files = writeVariedFiles(root);
        long payload = files.values().stream().mapToLong(b -> b.length).sum();
        // --retry always: the handshake goes through a Retry (RFC 9000 §8.1.2) first
        try (InteropRig rig = InteropRig.start(dir.resolve("run"), root, MODE, List.of("--retry", "always"))) {
            Path out = dir.resolve("download");
            Files.createDirectories(out);
            List<String> cmd = new ArrayList<>(List.of(GTLSCLIENT, "-q", "--exit-on-all-streams-close",
                    "--timeout=15s", "--download=" + out, Topology.VIP, String.valueOf(InteropRig.PORT)));
            String qlog = System.getProperty("qdsr.interop.qlog");
            if (qlog != null) {
                cmd.add(1, "--qlog-file=" + qlog);
            }
            files.keySet().forEach(n -> cmd.add("https://" + Topology.VIP + ":" + InteropRig.PORT + "/" + n));
            Map<String, LinkCounters> before = rig.counters();
            long t0 = System.nanoTime();
            NsProcess client = rig.topo.start("client", "gtlsclient", cmd);
            int exit = client.waitFor(Duration.ofSeconds(60));
            System.out.printf("gtlsclient ran %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            Map<String, LinkCounters> d = InteropRig.deltas(before, rig.counters());
            Map<String, Double> metrics = rig.lbMetrics();
            System.out.print(InteropRig.report("gtlsclient, lb --mode " + MODE, payload, d));
            System.out.println("lb metrics: " + handoffSummary(metrics));
            System.out.println("rs metrics: " + rsSummary(rig));
            sleepQuietly(2000);
            System.out.println("rs metrics 2 s later: " + rsSummary(rig));

            String why = "gtlsclient log:\n" + client.output() + "\n" + rig.logs();
            assertThat(exit).as("gtlsclient exit code; %s", why).isZero();
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path got = out.resolve(f.getKey());
                assertThat(got).as("downloaded %s; %s", f.getKey(), why).exists();
                assertThat(Files.readAllBytes(got)).as("body of %s", f.getKey()).isEqualTo(f.getValue());
            }
            assertDelivery(metrics, d, payload, files.size(), why);
            assertThat(metrics.get("qdsr_lb_retries_total")).as("a Retry before the handshake; %s", why)
                    .isEqualTo(1.0);
        }
    }

    @Test
    @Timeout(value = 100, unit = TimeUnit.SECONDS)
    void headlessChromiumHashesObjectsFetchedOverHttp3() throws IOException {
        InteropRig.requireBinary(CHROMIUM, "chromium");
        Path root = dir.resolve("root");
        Map<String, byte[]> objects = writeObjects(root, 4, 1 << 20);
        byte[] page = indexHtml(objects.keySet());
        Files.write(root.resolve("index.html"), page);
        long payload = page.length + objects.values().stream().mapToLong(b -> b.length).sum();
        try (InteropRig rig = InteropRig.start(dir.resolve("run"), root, MODE)) {
            Map<String, LinkCounters> before = rig.counters();
            long t0 = System.nanoTime();
            NsProcess chromium = rig.topo.start("client", "chromium", chromiumCommand(rig.spkiSha256()));
            int exit = chromium.waitFor(Duration.ofSeconds(60));
            System.out.printf("chromium ran %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            Map<String, LinkCounters> d = InteropRig.deltas(before, rig.counters());
            Map<String, Double> metrics = rig.lbMetrics();
            System.out.print(InteropRig.report("chromium, lb --mode " + MODE, payload, d));
            System.out.println("lb metrics: " + handoffSummary(metrics));
            System.out.println("rs metrics: " + rsSummary(rig));
            sleepQuietly(2000);
            System.out.println("rs metrics 2 s later: " + rsSummary(rig));

            String dom = chromium.output();
            String why = "chromium output:\n" + dom + "\n" + rig.logs();
            assertThat(exit).as("chromium exit code; %s", why).isZero();
            assertThat(dom).as("page finished (title 'done'); %s", why).contains("<title>done</title>");
            Map<String, String> hashes = pageHashes(dom);
            Map<String, String> expected = new LinkedHashMap<>();
            objects.forEach((n, b) -> expected.put(n, sha256(b)));
            assertThat(hashes).as("SHA-256 computed by the page (crypto.subtle) vs Java").isEqualTo(expected);
            // index.html + 4 objects (+ favicon.ico, a 404 from an RS)
            assertDelivery(metrics, d, payload, 5, why);
        }
    }

    /** Instructed (auto) or proxy handoffs on the LB, and where the response bytes left. */
    private static void assertDelivery(Map<String, Double> metrics, Map<String, LinkCounters> d, long payload,
            int minHandoffs, String why) {
        long handoffs = InteropRig.sum(metrics, "qdsr_lb_backend_handoffs_total");
        long isolated = InteropRig.sum(metrics, "qdsr_lb_handoffs_total{mode=\"isolated\"");
        long proxy = InteropRig.sum(metrics, "qdsr_lb_handoffs_total{mode=\"proxy\"");
        long rsTx = d.get("rs1").txBytes() + d.get("rs2").txBytes();
        long lbTx = d.get("lb").txBytes();
        assertThat(d.get("client").rxBytes()).as("client rx bytes").isGreaterThanOrEqualTo(payload);
        assertThat(InteropRig.sum(metrics, "qdsr_lb_streams_failed_total")).as("streams failed; %s", why).isZero();
        if (MODE.equals("proxy")) {
            assertThat(proxy).as("proxy handoffs").isGreaterThanOrEqualTo(minHandoffs);
            assertThat(lbTx).as("LB tx bytes (proxy)").isGreaterThanOrEqualTo(payload);
            return;
        }
        long instructed = InteropRig.sum(metrics, "qdsr_lb_handoffs_total{mode=\"instructed\"");
        assertThat(instructed).as("instructed handoffs (backend handoffs %d)", handoffs)
                .isGreaterThanOrEqualTo(minHandoffs).isEqualTo(handoffs);
        assertThat(isolated + proxy).as("isolated/proxy handoffs for a foreign client").isZero();
        assertThat(rsTx).as("RS tx bytes vs payload %d", payload).isGreaterThanOrEqualTo(payload);
        // headers, framing and retransmissions; gross duplication (everything sent twice) would show
        // here. Real losses do happen on a shared 2-core machine: a CI run saw 1.36x with about 10 %
        // of the RSs' datagrams never reaching Chromium (its socket fell behind), all of it needed.
        assertThat(rsTx).as("RS tx bytes vs payload %d (needless retransmissions?)", payload)
                .isLessThan(payload + payload / 2 + 200_000);
        assertThat(lbTx).as("LB tx bytes (instructions, ACKs, handshake) vs payload %d", payload)
                .isLessThan(payload / 5);
    }

    /** The RSs' send-socket datagrams and errors (evidence when the byte counts look off). */
    private static String rsSummary(InteropRig rig) {
        StringBuilder b = new StringBuilder();
        for (String rs : List.of("rs1", "rs2")) {
            rig.metrics(rs).forEach((k, v) -> {
                if ((k.startsWith("qdsr_rs_sent") || k.startsWith("qdsr_rs_errors") || k.startsWith("qdsr_rs_streams")
                        || k.startsWith("qdsr_rs_handoffs")) && v != 0 || k.startsWith("qdsr_rs_active")) {
                    b.append(rs).append(':').append(k).append('=').append(Math.round(v)).append(' ');
                }
            });
        }
        return b.toString();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String handoffSummary(Map<String, Double> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> {
            if (k.contains("handoffs") || k.contains("streams_failed") || k.contains("vip_sent")
                    || k.contains("connections_total") || k.contains("reported_bytes") || k.contains("peer_address")
                    || k.contains("rotations") || k.contains("lost") || k.contains("spurious")) {
                b.append(k).append('=').append(Math.round(v)).append(' ');
            }
        });
        return b.toString();
    }

    private List<String> chromiumCommand(String spki) throws IOException {
        Path profile = dir.resolve("chromium-profile");
        Files.createDirectories(profile);
        String origin = "localhost:" + InteropRig.PORT;
        // --virtual-time-budget: headless Chromium runs the page on virtual time and dumps the DOM
        // only once the budget is used up; virtual time does not advance while network fetches are
        // pending, so the fetches and digests finish before the dump however slow the network is.
        return List.of(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--enable-quic", "--origin-to-force-quic-on=" + origin,
                "--host-resolver-rules=MAP localhost " + Topology.VIP,
                "--ignore-certificate-errors-spki-list=" + spki, "--virtual-time-budget=15000",
                "--dump-dom", "https://" + origin + "/index.html");
    }

    /** A page that fetches the objects in parallel, hashes each with crypto.subtle and lists name=hex. */
    private static byte[] indexHtml(Iterable<String> names) throws IOException {
        try (var in = InstructedInteropTest.class.getResourceAsStream("interop-index.html")) {
            if (in == null) {
                throw new IOException("resource interop-index.html missing");
            }
            String template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            StringBuilder list = new StringBuilder();
            names.forEach(n -> list.append(list.length() == 0 ? "" : ",").append('"').append(n).append('"'));
            return template.replace("/*NAMES*/", list.toString()).getBytes(StandardCharsets.UTF_8);
        }
    }

    private static Map<String, String> pageHashes(String dom) {
        Matcher m = OUT.matcher(dom);
        Map<String, String> h = new LinkedHashMap<>();
        if (m.find()) {
            for (String line : m.group(1).strip().split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    h.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                }
            }
        }
        return h;
    }

    /** f01..f20, seeded random content, sizes spread geometrically from 1 KB to 2 MB (~6 MB total). */
    private static Map<String, byte[]> writeVariedFiles(Path root) throws IOException {
        Files.createDirectories(root);
        Random random = new Random(7);
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            int size = (int) Math.round(1000 * Math.pow(2000.0, i / 19.0)) + random.nextInt(1000);
            byte[] content = new byte[size];
            random.nextBytes(content);
            String name = String.format("f%02d", i + 1);
            Files.write(root.resolve(name), content);
            files.put(name, content);
        }
        return files;
    }

    private static Map<String, byte[]> writeObjects(Path root, int count, int size) throws IOException {
        Files.createDirectories(root);
        Random random = new Random(11);
        Map<String, byte[]> objects = new LinkedHashMap<>();
        for (int i = 1; i <= count; i++) {
            byte[] content = new byte[size];
            random.nextBytes(content);
            String name = "o" + i + ".bin";
            Files.write(root.resolve(name), content);
            objects.put(name, content);
        }
        return objects;
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
