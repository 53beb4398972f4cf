package org.qdsr.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.qdsr.app.Main;
import picocli.CommandLine;

/**
 * A load balancer and real servers as separate processes on loopback, single-host DSR: the LB
 * binds the VIP exactly, every RS binds the wildcard address on the VIP's port and only sends.
 */
final class Cluster implements AutoCloseable {
    final InetSocketAddress vip;
    final Path root;
    final Path controlTls;
    final Map<String, Integer> controlPorts = new LinkedHashMap<>();
    final Map<String, NodeProcess> servers = new LinkedHashMap<>();
    final List<NodeProcess> all = new ArrayList<>();
    NodeProcess lb;
    int lbMetricsPort;

    private Cluster(Path root, Path controlTls) throws IOException {
        this.vip = new InetSocketAddress("127.0.0.1", NodeProcess.freeUdpPort());
        this.root = root;
        this.controlTls = controlTls;
    }

    /** Starts real servers {@code names} serving {@code root} and one LB in front of them (one cluster CA). */
    static Cluster start(Path tmp, Path root, List<String> names) throws Exception {
        Path tls = certs(tmp.resolve("control-tls"), names);
        Cluster c = startServers(root, tls, names);
        try {
            c.startLb(List.of("--control-tls", tls.toString()));
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Like {@link #start}, with real servers that serve synthetic bytes ({@code --synthetic}: /bytes/N). */
    static Cluster startSynthetic(Path tmp, List<String> names) throws Exception {
        return start(tmp, null, names);
    }

    /** Starts real servers only, with control TLS from {@code tls}; call {@link #startLb} next. */
    static Cluster startServers(Path root, Path tls, List<String> names) throws Exception {
        Cluster c = new Cluster(root, tls);
        try {
            for (String name : names) {
                c.controlPorts.put(name, NodeProcess.freeTcpPort());
                c.startRs(name, tls);
            }
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Runs {@code qdsr certs} in-process into {@code dir}. */
    static Path certs(Path dir, List<String> rsNames) {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        int code = cl.execute("certs", "--out", dir.toString(), "--rs-names", String.join(",", rsNames));
        assertThat(code).as("certs: %s", out).isZero();
        return dir;
    }

    /** Starts (or restarts) real server {@code name} on its control port. */
    NodeProcess startRs(String name, Path tls) throws Exception {
        NodeProcess rs = NodeProcess.start(name, "rs " + name + ": control on", List.of("rs",
                "--control", "127.0.0.1:" + controlPorts.get(name), "--vip", "127.0.0.1:" + vip.getPort(),
                "--control-tls", tls.toString(), "--name", name, "--bind", "WILDCARD",
                root == null ? "--synthetic" : "--root=" + root));
        servers.put(name, rs);
        all.add(rs);
        return rs;
    }

    /** Starts the LB with one backend per real server and the given control-channel flags. */
    NodeProcess startLb(List<String> controlFlags) throws Exception {
        List<String> args = new ArrayList<>(List.of("lb", "--listen", "127.0.0.1:" + vip.getPort()));
        for (Map.Entry<String, Integer> e : controlPorts.entrySet()) {
            args.add("--backend");
            args.add(e.getKey() + "=127.0.0.1:" + e.getValue());
        }
        args.addAll(controlFlags);
        return startLbWith(args);
    }

    /** Starts the LB with {@code args} (from "lb" on) plus a metrics port. */
    NodeProcess startLbWith(List<String> lbArgs) throws Exception {
        List<String> args = new ArrayList<>(lbArgs);
        lbMetricsPort = NodeProcess.freeTcpPort();
        args.add("--metrics");
        args.add("127.0.0.1:" + lbMetricsPort);
        lb = NodeProcess.start("lb", "lb lb: listening on", args);
        all.add(lb);
        return lb;
    }

    /** kill -9 of the LB, then a new LB process with the same control TLS folder (and so the same vip.secret, if any). */
    NodeProcess restartLbAfterCrash() throws Exception {
        lb.kill();
        all.remove(lb);
        return startLb(List.of("--control-tls", controlTls.toString()));
    }

    /**
     * Waits until the LB logged {@code count} "backend NAME up" lines and its metrics show that
     * many backends up (the log line is written before the LB's loop has applied the change).
     */
    void awaitBackendsUp(int count, long timeoutMillis) throws Exception {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (countUp(lb.output()) < count || upInMetrics() < count) {
            assertThat(System.nanoTime()).as("backends up; logs:\n%s", logs()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private int upInMetrics() throws Exception {
        int n = 0;
        for (String line : lbMetrics().split("\n")) {
            if (line.startsWith("qdsr_lb_backend_up{") && line.endsWith(" 1.0")) {
                n++;
            }
        }
        return n;
    }

    private static int countUp(String log) {
        int n = 0;
        for (String line : log.split("\n")) {
            if (line.matches(".*backend \\S+ up.*")) {
                n++;
            }
        }
        return n;
    }

    /** The LB's Prometheus text exposition. */
    String lbMetrics() throws IOException, InterruptedException {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + lbMetricsPort + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** The value of the first sample line of {@code metrics} that starts with {@code prefix}. */
    static double sample(String metrics, String prefix) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(prefix)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no sample " + prefix + " in:\n" + metrics);
    }

    String logs() {
        return NodeProcess.logs(all);
    }

    @Override
    public void close() {
        NodeProcess.closeAll(all);
    }

    /** Writes files with the given sizes (seeded random content) under {@code root}. */
    static Map<String, byte[]> writeFiles(Path root, Map<String, Integer> sizes, long seed) throws IOException {
        return org.qdsr.app.TestFiles.write(root, sizes, seed);
    }
}
