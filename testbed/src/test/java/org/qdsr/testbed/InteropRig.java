package org.qdsr.testbed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The standard DSR topology (client, lb, rs1, rs2) running the real {@code qdsr} jar for interop
 * tests with foreign clients: two {@code rs --root ROOT --bind EXACT}, one {@code lb} with a
 * metrics endpoint on the LB namespace's loopback (scraped with curl inside that namespace).
 */
final class InteropRig implements AutoCloseable {
    static final Duration START_WAIT = Duration.ofSeconds(20);
    static final int PORT = 4433;
    private static final int CONTROL_PORT = 7000;
    private static final String METRICS = "127.0.0.1:9100";
    private static final Pattern SPKI = Pattern.compile("SPKI SHA-256: (\\S+)");
    private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+(?:\\{[^}]*})?) ([0-9.eE+-]+)$",
            Pattern.MULTILINE);

    final Topology topo;
    final NsProcess lb;
    final List<NsProcess> realServers = new ArrayList<>();

    private InteropRig(Topology topo, NsProcess lb) {
        this.topo = topo;
        this.lb = lb;
    }

    /**
     * Fails (never skips) unless the foreign client binary exists, saying how to install it.
     * Root and iproute2 are checked by {@link Topology#build}.
     */
    static void requireBinary(String path, String debianPackage) {
        if (!Files.isExecutable(Path.of(path))) {
            throw new TestbedException(path + " is missing: this test needs it (as root: apt-get install -y "
                    + debianPackage + ")");
        }
    }

    /** Builds the topology and starts rs1, rs2 (serving {@code root}) and an LB in {@code mode}. */
    static InteropRig start(Path workDir, Path root, String mode) {
        return start(workDir, root, mode, List.of());
    }

    /** As {@link #start(Path, Path, String)}, with {@code lbFlags} added to the LB's command line. */
    static InteropRig start(Path workDir, Path root, String mode, List<String> lbFlags) {
        if (!Commands.run(List.of("curl", "--version")).ok()) {
            throw new TestbedException("curl is missing (scrapes the metrics): as root, apt-get install -y curl");
        }
        Topology topo = Topology.dsr(workDir, 2);
        try {
            QdsrJar qdsr = QdsrJar.locate();
            Path certs = workDir.resolve("certs");
            Commands.run(qdsr.command("certs", "--out", certs.toString(), "--rs-names", "rs1,rs2")).orThrow();
            List<NsProcess> rss = new ArrayList<>();
            for (String rs : List.of("rs1", "rs2")) {
                String control = topo.host(rs).address() + ":" + CONTROL_PORT;
                NsProcess p = topo.start(rs, rs, qdsr.command("rs", "--control", control, "--vip",
                        Topology.VIP + ":" + PORT, "--control-tls", certs.toString(), "--name", rs, "--root",
                        root.toString(), "--bind", "EXACT", "--metrics", METRICS));
                p.awaitOutput("rs " + rs + ": control on", START_WAIT);
                rss.add(p);
            }
            List<String> args = new ArrayList<>(List.of("lb", "--listen", Topology.VIP + ":" + PORT,
                    "--control-tls", certs.toString(), "--mode", mode, "--metrics", METRICS));
            args.addAll(lbFlags);
            // -Dqdsr.interop.backends=rs1 gives the LB one backend (diagnosis: no cross-RS reordering)
            for (String rs : System.getProperty("qdsr.interop.backends", "rs1,rs2").split(",")) {
                args.add("--backend");
                args.add(rs + "=" + topo.host(rs).address() + ":" + CONTROL_PORT);
            }
            NsProcess lb = topo.start("lb", "lb", qdsr.command(args.toArray(String[]::new)));
            lb.awaitOutput("lb lb: listening on", START_WAIT);
            for (String rs : System.getProperty("qdsr.interop.backends", "rs1,rs2").split(",")) {
                lb.awaitOutput("backend " + rs + " up", START_WAIT);
            }
            InteropRig rig = new InteropRig(topo, lb);
            rig.realServers.addAll(rss);
            return rig;
        } catch (RuntimeException e) {
            topo.close();
            throw e;
        }
    }

    /** The base64 SHA-256 of the LB's self-signed certificate's SPKI, as the LB printed it. */
    String spkiSha256() {
        Matcher m = SPKI.matcher(lb.output());
        if (!m.find()) {
            throw new TestbedException("lb did not print its SPKI hash; log:\n" + lb.output());
        }
        return m.group(1);
    }

    /** One scrape of the LB's metrics: {@code name{labels}} to value. */
    Map<String, Double> lbMetrics() {
        return metrics("lb");
    }

    /** One scrape of a host's ({@code lb}, {@code rs1}, {@code rs2}) metrics endpoint. */
    Map<String, Double> metrics(String host) {
        Commands.Result r = topo.exec(host, "curl", "-sS", "--max-time", "5", "http://" + METRICS + "/metrics");
        if (!r.ok()) {
            throw new TestbedException("cannot scrape " + host + "'s metrics (needs curl: apt-get install -y curl): "
                    + r.output());
        }
        Map<String, Double> m = new LinkedHashMap<>();
        Matcher s = SAMPLE.matcher(r.output());
        while (s.find()) {
            m.put(s.group(1), Double.parseDouble(s.group(2)));
        }
        return m;
    }

    /** Sum of every sample whose name (labels included) starts with {@code prefix}. */
    static long sum(Map<String, Double> metrics, String prefix) {
        return Math.round(metrics.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToDouble(Map.Entry::getValue).sum());
    }

    /** Every host's counters now. */
    Map<String, LinkCounters> counters() {
        return topo.counters();
    }

    /** The logs of lb, rs1, rs2 (for failure messages). */
    String logs() {
        StringBuilder b = new StringBuilder("--- lb log:\n").append(lb.output());
        realServers.forEach(p -> b.append("--- ").append(p.label()).append(" log:\n").append(p.output()));
        return b.toString();
    }

    @Override
    public void close() {
        topo.close();
    }

    /** Counter deltas between two snapshots. */
    static Map<String, LinkCounters> deltas(Map<String, LinkCounters> before, Map<String, LinkCounters> after) {
        Map<String, LinkCounters> d = new LinkedHashMap<>();
        after.forEach((h, c) -> d.put(h, c.minus(before.get(h))));
        return d;
    }

    /** A table of the deltas with the LB-egress and RS-egress shares of the payload. */
    static String report(String title, long payload, Map<String, LinkCounters> d) {
        StringBuilder b = new StringBuilder(title + ": payload (body) bytes " + payload + "\n");
        b.append(String.format("%-8s %12s %12s %10s %10s%n", "host", "tx_bytes", "rx_bytes", "tx_pkts", "rx_pkts"));
        d.forEach((h, c) -> b.append(String.format("%-8s %12d %12d %10d %10d%n", h, c.txBytes(), c.rxBytes(),
                c.txPackets(), c.rxPackets())));
        long rsTx = d.get("rs1").txBytes() + d.get("rs2").txBytes();
        b.append(String.format("RS egress / payload = %.3f; LB egress / payload = %.4f (%.2f %%)%n",
                (double) rsTx / payload, (double) d.get("lb").txBytes() / payload,
                100.0 * d.get("lb").txBytes() / payload));
        return b.toString();
    }
}
