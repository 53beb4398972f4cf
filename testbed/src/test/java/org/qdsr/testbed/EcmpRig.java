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
 * {@link Topology#ecmp} with two peered load balancers running the real {@code qdsr} jar: rs1 and
 * rs2 ({@code --synthetic --bind EXACT}), lba ({@code --lb-id 1}) and lbb ({@code --lb-id 2}) with
 * the same control TLS folder, both RSs as backends, a metrics endpoint on each LB namespace's
 * loopback, and, when peered, {@code --forward-listen OWN_ADDRESS:4434 --peer OTHER_ID=OTHER:4434}.
 */
final class EcmpRig implements AutoCloseable {
    static final List<String> LBS = List.of("lba", "lbb");
    private static final Duration START_WAIT = Duration.ofSeconds(25);
    private static final int PORT = 4433;
    private static final int FORWARD_PORT = 4434;
    private static final int CONTROL_PORT = 7000;
    private static final String METRICS = "127.0.0.1:9100";
    private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+(?:\\{[^}]*})?) ([0-9.eE+-]+)$",
            Pattern.MULTILINE);

    final Topology topo;
    private final QdsrJar qdsr;
    private final List<NsProcess> servers = new ArrayList<>();

    private EcmpRig(Topology topo, QdsrJar qdsr) {
        this.topo = topo;
        this.qdsr = qdsr;
    }

    /** Builds the topology, rate-limits the RSs' egress (null: no limit) and starts everything. */
    static EcmpRig start(Path workDir, String mode, boolean peered, String rsRate) {
        if (!Commands.run(List.of("curl", "--version")).ok()) {
            throw new TestbedException("curl is missing (scrapes the metrics): as root, apt-get install -y curl");
        }
        Topology topo = Topology.ecmp(workDir, LBS.size(), 2);
        EcmpRig rig = new EcmpRig(topo, QdsrJar.locate());
        try {
            rig.startAll(mode, peered, rsRate);
            return rig;
        } catch (RuntimeException e) {
            topo.close();
            throw e;
        }
    }

    private void startAll(String mode, boolean peered, String rsRate) {
        Path certs = topo.workDir().resolve("certs");
        Commands.run(qdsr.command("certs", "--out", certs.toString(), "--lb-names", String.join(",", LBS),
                "--rs-names", "rs1,rs2")).orThrow();
        List<NsProcess> rss = new ArrayList<>();
        for (String rs : List.of("rs1", "rs2")) {
            if (rsRate != null) {
                topo.rateLimit(rs, rsRate, "256kb", "100ms");
            }
            rss.add(topo.start(rs, rs, qdsr.command("rs", "--control", topo.host(rs).address() + ":" + CONTROL_PORT,
                    "--vip", Topology.VIP + ":" + PORT, "--control-tls", certs.toString(), "--name", rs,
                    "--synthetic", "--bind", "EXACT")));
        }
        List<NsProcess> lbs = new ArrayList<>();
        for (int i = 0; i < LBS.size(); i++) {
            lbs.add(topo.start(LBS.get(i), LBS.get(i), qdsr.command(lbArgs(i, mode, peered, certs))));
        }
        servers.addAll(rss);
        servers.addAll(lbs);
        for (int i = 0; i < rss.size(); i++) {
            rss.get(i).awaitOutput("rs rs" + (i + 1) + ": control on", START_WAIT);
        }
        for (int i = 0; i < lbs.size(); i++) {
            NsProcess lb = lbs.get(i);
            lb.awaitOutput("lb " + LBS.get(i) + ": listening on", START_WAIT);
            lb.awaitOutput("backend rs1 up", START_WAIT);
            lb.awaitOutput("backend rs2 up", START_WAIT);
        }
    }

    private String[] lbArgs(int index, String mode, boolean peered, Path certs) {
        String self = LBS.get(index);
        // each LB its own certificate under the one cluster CA (the RSs accept any LB of it)
        List<String> args = new ArrayList<>(List.of("lb", "--name", LBS.get(index), "--listen", Topology.VIP + ":" + PORT,
                "--control-tls", certs.toString(), "--mode", mode, "--metrics", METRICS,
                "--lb-id", String.valueOf(index + 1)));
        for (String rs : List.of("rs1", "rs2")) {
            args.add("--backend");
            args.add(rs + "=" + topo.host(rs).address() + ":" + CONTROL_PORT);
        }
        if (peered) {
            args.add("--forward-listen");
            args.add(topo.host(self).address() + ":" + FORWARD_PORT);
            for (int j = 0; j < LBS.size(); j++) {
                if (j != index) {
                    args.add("--peer");
                    args.add((j + 1) + "=" + topo.host(LBS.get(j)).address() + ":" + FORWARD_PORT);
                }
            }
        }
        return args.toArray(String[]::new);
    }

    /** Starts {@code qdsr get} of {@code /bytes/SIZE} from the client namespace into {@code out}. */
    NsProcess get(String label, Path out, long size) {
        return topo.start("client", label, qdsr.command("get", "--insecure", "--timeout", "45", "-o", out.toString(),
                "https://" + Topology.VIP + ":" + PORT + "/bytes/" + size));
    }

    /**
     * Waits until the client wrote {@code bytes} of its body, then returns the LB that holds its
     * connection: the one whose {@code qdsr_lb_active_connections} is 1 (the other's must be 0).
     */
    String awaitHolder(NsProcess get, Path out, long bytes) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (size(out) < bytes) {
            if (!get.isAlive() || System.nanoTime() - deadline > 0) {
                throw new TestbedException("the client wrote " + size(out) + " bytes, not " + bytes
                        + " (exited: " + !get.isAlive() + "); log:\n" + get.output() + logs());
            }
            NsProcess.sleep(20);
        }
        List<String> holders = new ArrayList<>();
        for (String lb : LBS) {
            long active = sum(metrics(lb), "qdsr_lb_active_connections");
            if (active == 1) {
                holders.add(lb);
            } else if (active != 0) {
                throw new TestbedException(lb + " has " + active + " active connections, expected 0 or 1");
            }
        }
        if (holders.size() != 1) {
            throw new TestbedException("expected one LB holding the connection, found " + holders + logs());
        }
        return holders.get(0);
    }

    /** The LB that is not {@code lb}. */
    String other(String lb) {
        return LBS.get(1 - LBS.indexOf(lb));
    }

    /** One scrape of an LB's metrics endpoint: {@code name{labels}} to value. */
    Map<String, Double> metrics(String host) {
        Commands.Result r = topo.exec(host, "curl", "-sS", "--max-time", "5", "http://" + METRICS + "/metrics");
        if (!r.ok()) {
            throw new TestbedException("cannot scrape " + host + "'s metrics: " + r.output());
        }
        Map<String, Double> m = new LinkedHashMap<>();
        Matcher s = SAMPLE.matcher(r.output());
        while (s.find()) {
            m.put(s.group(1), Double.parseDouble(s.group(2)));
        }
        return m;
    }

    /** Sum of every sample named {@code name}, with any labels. */
    static long sum(Map<String, Double> metrics, String name) {
        return Math.round(metrics.entrySet().stream()
                .filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
                .mapToDouble(Map.Entry::getValue).sum());
    }

    /** Every server's log (for failure messages). */
    String logs() {
        StringBuilder b = new StringBuilder();
        servers.forEach(p -> b.append("\n--- ").append(p.label()).append(" log:\n").append(p.output()));
        return b.toString();
    }

    private static long size(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        topo.close();
    }
}
