package org.qdsr.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.qdsr.app.net.Http3Client;
import org.qdsr.control.channel.ControlTls;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.lb.LoadBalancer;
import org.qdsr.lb.LoadBalancerCore;
import org.qdsr.lb.routing.Policy;
import org.qdsr.lb.routing.Router;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.tls.CertifiedKey;
import org.qdsr.quic.tls.Certificates;
import org.qdsr.quic.tls.ClientTlsConfig;
import org.qdsr.quic.tls.ServerTlsContext;
import org.qdsr.rs.RealServer;
import org.qdsr.rs.RealServerCore;
import org.qdsr.rs.content.SyntheticSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code qdsr dsr-bench}: the same download workload through a load balancer in isolated mode
 * (Direct Server Return, our client), instructed mode (DSR for an unmodified client) and proxy mode, in one process on loopback, with the LB's CPU time
 * (its event-loop and control threads, from {@link ThreadMXBean}) and the wall time of each run.
 * Method: docs/dsr-bench.md.
 */
@Command(name = "dsr-bench", mixinStandardHelpOptions = true,
        description = "Compare LB CPU and goodput of isolated, instructed (both DSR) and proxy mode on loopback.")
public final class DsrBenchCommand implements Callable<Integer> {
    private static final java.util.logging.Logger QDSR_LOGGER = java.util.logging.Logger.getLogger("org.qdsr");
    private static final List<String> DEFAULT_MODES = List.of("isolated", "instructed", "proxy");
    private LoadBalancerCore.Mode[] selected;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--size", defaultValue = "10", paramLabel = "MB", description = "size of each file (default ${DEFAULT-VALUE})")
    private double sizeMb;

    @Option(names = "--files", defaultValue = "10", paramLabel = "N", description = "files per run (default ${DEFAULT-VALUE})")
    private int files;

    @Option(names = "--runs", defaultValue = "3", paramLabel = "R", description = "runs per mode; medians (default ${DEFAULT-VALUE})")
    private int runs;

    @Option(names = "--modes", split = ",", paramLabel = "MODE",
            description = "modes to measure, in order (default: isolated,instructed,proxy)")
    private List<String> modes;

    @Option(names = "--json", description = "one JSON object on stdout")
    private boolean json;

    @Option(names = "--ack-hold-us", defaultValue = "-1", paramLabel = "US",
            description = "isolated mode: how long the LB may hold PATH_ACKs to forward them together (default: the LB's)")
    private long ackHoldMicros;

    @Option(names = "--coalesce-us", defaultValue = "-1", paramLabel = "US",
            description = "the LB loop's receive-coalescing window (default: the lb command's, "
                    + org.qdsr.lb.LoadBalancer.DEFAULT_COALESCE_MICROS + "; 0 off)")
    private long coalesceMicros;

    @Option(names = "--no-warmup", description = "skip the untimed warm-up rounds before the measured runs")
    private boolean noWarmup;

    @Option(names = "--warmup-rounds", defaultValue = "3", paramLabel = "N",
            description = "untimed rounds of every mode before the measured runs (default ${DEFAULT-VALUE})")
    private int warmupRounds;

    /** One measured run. */
    record Run(double wallSeconds, double lbCpuSeconds, long bytes) {
        double goodputMBps() {
            return bytes / 1e6 / wallSeconds;
        }

        double cpuSecondsPerGB() {
            return lbCpuSeconds / (bytes / 1e9);
        }
    }

    @Override
    public Integer call() throws Exception {
        QDSR_LOGGER.setLevel(java.util.logging.Level.WARNING);
        PrintWriter out = spec.commandLine().getOut();
        int size = (int) Math.round(sizeMb * 1_000_000);
        CertifiedKey ca = Certificates.generateCa("qdsr-bench-ca", Duration.ofDays(1));
        selected = parseModes(modes == null ? DEFAULT_MODES : modes);
        int n = selected.length;
        double[][] goodput = new double[n][runs];
        double[][] cpuPerGb = new double[n][runs];
        for (int w = 0; w < (noWarmup ? 0 : warmupRounds); w++) {
            warmUp(out, ca, size);
        }
        for (int r = 0; r < runs; r++) {
            for (int m = 0; m < n; m++) {
                Run run = runOnce(selected[m], ca, size);
                goodput[m][r] = run.goodputMBps();
                cpuPerGb[m][r] = run.cpuSecondsPerGB();
                if (!json) {
                    out.printf(Locale.ROOT, "run %d %-10s %8.1f MB/s  LB CPU %.3f s (%.2f s/GB)  wall %.2f s%n", r + 1,
                            modeName(m), run.goodputMBps(), run.lbCpuSeconds(), run.cpuSecondsPerGB(),
                            run.wallSeconds());
                    out.flush();
                }
            }
        }
        double[] g = new double[n];
        double[] c = new double[n];
        for (int m = 0; m < n; m++) {
            g[m] = median(goodput[m]);
            c[m] = median(cpuPerGb[m]);
        }
        int proxy = List.of(selected).indexOf(LoadBalancerCore.Mode.PROXY);
        if (json) {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "{\"sizeBytes\":%d,\"files\":%d,\"runs\":%d", size, files, runs));
            for (int m = 0; m < n; m++) {
                sb.append(String.format(Locale.ROOT, ",\"%s\":{\"goodputMBps\":%.2f,\"lbCpuSecondsPerGB\":%.4f}",
                        modeName(m), g[m], c[m]));
            }
            for (int m = 0; m < n && proxy >= 0; m++) {
                if (m != proxy) {
                    String name = Character.toUpperCase(modeName(m).charAt(0)) + modeName(m).substring(1);
                    sb.append(String.format(Locale.ROOT, ",\"cpuRatioProxyTo%s\":%.2f,\"goodputRatio%sToProxy\":%.2f",
                            name, c[proxy] / c[m], name, g[m] / g[proxy]));
                }
            }
            out.println(sb.append('}'));
        } else {
            out.printf(Locale.ROOT, "medians of %d runs, %d x %d bytes:%n", runs, files, size);
            for (int m = 0; m < n; m++) {
                out.printf(Locale.ROOT, "%-11s %8.1f MB/s, LB %.3f CPU s/GB%n", modeName(m) + ":", g[m], c[m]);
            }
            for (int m = 0; m < n && proxy >= 0; m++) {
                if (m != proxy) {
                    out.printf(Locale.ROOT, "LB CPU per byte, proxy/%s: %.1fx%n", modeName(m), c[proxy] / c[m]);
                }
            }
        }
        out.flush();
        return Main.OK;
    }

    /**
     * One discarded run of every mode, so the measured runs do not pay for the JIT compiling the
     * client, the real servers and the shared stack in a cold JVM. One round is not enough: an
     * isolated-mode LB handles only ~1,300 client datagrams per run, so its code reaches C2 only
     * after several rounds (profiled: isolated fell from 1.15 to 0.43 s/GB over 8 consecutive runs),
     * while a production LB runs compiled code; hence {@code --warmup-rounds 3} by default.
     */
    private void warmUp(PrintWriter out, CertifiedKey ca, int size) throws Exception {
        for (int m = 0; m < selected.length; m++) {
            Run run = runOnce(selected[m], ca, size);
            if (!json) {
                out.printf(Locale.ROOT, "warm-up %-10s %8.1f MB/s  (not counted)%n", modeName(m), run.goodputMBps());
                out.flush();
            }
        }
    }

    private String modeName(int m) {
        return selected[m].name().toLowerCase(Locale.ROOT);
    }

    private static LoadBalancerCore.Mode[] parseModes(List<String> names) {
        LoadBalancerCore.Mode[] out = new LoadBalancerCore.Mode[names.size()];
        for (int i = 0; i < out.length; i++) {
            LoadBalancerCore.Mode m = LoadBalancerCore.Mode.valueOf(names.get(i).trim().toUpperCase(Locale.ROOT));
            if (m == LoadBalancerCore.Mode.AUTO) {
                throw new CommandLine.ParameterException(new CommandLine(new DsrBenchCommand()),
                        "--modes: isolated, instructed or proxy");
            }
            out[i] = m;
        }
        return out;
    }

    private Run runOnce(LoadBalancerCore.Mode mode, CertifiedKey ca, int size) throws Exception {
        InetSocketAddress vip = new InetSocketAddress("127.0.0.1", freeUdpPort());
        List<java.security.cert.X509Certificate> trust = List.of(ca.certificate());
        List<RealServer> servers = new ArrayList<>();
        String lbName = "bench" + mode.name().toLowerCase(Locale.ROOT);
        try (ServerTlsContext tls = ServerTlsContext.selfSigned(ServerCommand.ALPN, List.of("localhost", "127.0.0.1"));
             Http3Client client = Http3Client.start("qdsr-bench-client")) {
            List<LoadBalancer.BackendSpec> backends = new ArrayList<>();
            for (String name : List.of("rs1", "rs2")) {
                ControlTls rsTls = ControlTls.of(Certificates.issue(ca, name, List.of("127.0.0.1"), true,
                        Duration.ofDays(1)), trust);
                RealServer rs = RealServer.start(new InetSocketAddress("127.0.0.1", 0), vip, RealServer.Bind.WILDCARD,
                        rsTls, name, loop -> new SyntheticSource(), RealServerCore.Config.defaults());
                servers.add(rs);
                backends.add(new LoadBalancer.BackendSpec(name, rs.controlAddress(), 1));
            }
            ControlTls lbTls = ControlTls.of(Certificates.issue(ca, "lb", List.of("127.0.0.1"), true,
                    Duration.ofDays(1)), trust);
            try (LoadBalancer lb = LoadBalancer.start(vip, tls, backends, lbTls, lbName,
                    settings(mode), new Router(List.of(), Policy.roundRobin()))) {
                if (coalesceMicros >= 0) {
                    lb.setCoalescing(coalesceMicros * 1000);
                }
                awaitBackends(lb, backends.size());
                List<String> lbThreads = new ArrayList<>(List.of("qdsr-lb-" + lbName));
                for (LoadBalancer.BackendSpec b : backends) {
                    lbThreads.add("qdsr-control-read-127.0.0.1:" + b.control().getPort()); // the channel's I/O thread
                    lbThreads.add("qdsr-control-client-" + b.control().getPort());
                }
                Run run = download(client, vip, size, lbThreads, mode != LoadBalancerCore.Mode.INSTRUCTED, lb);
                if (System.getenv("QDSR_BENCH_DEBUG") != null) {
                    System.err.println(mode + ": " + lb.metrics() + " udp " + lb.counters());
                    for (String t : lbThreads) {
                        System.err.printf(Locale.ROOT, "  %-40s %.3f s CPU%n", t, cpuNanos(List.of(t)) / 1e9);
                    }
                }
                return run;
            }
        } finally {
            for (RealServer rs : servers) {
                rs.close();
            }
        }
    }

    private LoadBalancerCore.Settings settings(LoadBalancerCore.Mode mode) {
        LoadBalancerCore.Settings s = LoadBalancerCore.Settings.defaults().withMode(mode);
        return ackHoldMicros < 0 ? s : s.withAckHoldNanos(ackHoldMicros * 1000);
    }

    /** {@code serverPaths}: our client's extension; without it the client is like any QUIC v1 client. */
    private Run download(Http3Client client, InetSocketAddress vip, int size, List<String> lbThreads,
                         boolean serverPaths, LoadBalancer lb) throws Exception {
        ConnectionConfig config = serverPaths ? ConnectionConfig.defaults().withPaths(GetCommand.CLIENT_PATHS, true)
                : ConnectionConfig.defaults();
        Http3Client.Connection c = client.connect(vip, ClientTlsConfig.of("localhost", ServerCommand.ALPN)
                .withInsecure(true), config);
        String authority = "localhost:" + vip.getPort();
        // Warm-up: the handshake and one small request are not measured.
        c.request("GET", authority, "/bytes/1000", List.of(), null, null).get(30, TimeUnit.SECONDS);
        LbCounts before = LbCounts.of(lb);
        long[] perThread0 = new long[lbThreads.size()];
        for (int i = 0; i < perThread0.length; i++) {
            perThread0[i] = cpuNanos(List.of(lbThreads.get(i)));
        }
        long cpu0 = cpuNanos(lbThreads);
        long t0 = System.nanoTime();
        List<CompletableFuture<Http3Result>> futures = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            futures.add(c.request("GET", authority, "/bytes/" + size, List.of(), null, null));
        }
        long bytes = 0;
        for (CompletableFuture<Http3Result> f : futures) {
            Http3Result r = f.get(300, TimeUnit.SECONDS);
            if (r.response().status() != 200 || r.bodyBytes() != size) {
                throw new IOException("bad response: status " + r.response().status() + ", " + r.bodyBytes() + " bytes");
            }
            bytes += r.bodyBytes();
        }
        long wall = System.nanoTime() - t0;
        long cpu = cpuNanos(lbThreads) - cpu0;
        if (System.getenv("QDSR_BENCH_DEBUG") != null) {
            System.err.println("  per GB: " + LbCounts.of(lb).minus(before).perGb(bytes));
            StringBuilder sb = new StringBuilder("  measured CPU ms:");
            for (int i = 0; i < perThread0.length; i++) {
                sb.append(String.format(Locale.ROOT, " %s=%.1f", lbThreads.get(i),
                        (cpuNanos(List.of(lbThreads.get(i))) - perThread0[i]) / 1e6));
            }
            System.err.println(sb);
        }
        c.closeWhenIdle();
        return new Run(wall / 1e9, cpu / 1e9, bytes);
    }

    /** The LB's event counts over a measured interval (printed with QDSR_BENCH_DEBUG set). */
    record LbCounts(long datagramsIn, long datagramsOut, long turns, long acksForwarded, long controlMessages,
                    long flushes, long records, long socketWrites) {
        static LbCounts of(LoadBalancer lb) throws IOException {
            var u = lb.counters();
            long[] w = new long[4];
            for (var s : lb.controlWriteStats()) {
                w[0] += s.messages();
                w[1] += s.flushes();
                w[2] += s.records();
                w[3] += s.socketWrites();
            }
            return new LbCounts(u.datagramsIn(), u.datagramsOut(), u.turns(), lb.metrics().acksForwarded, w[0], w[1],
                    w[2], w[3]);
        }

        LbCounts minus(LbCounts b) {
            return new LbCounts(datagramsIn - b.datagramsIn, datagramsOut - b.datagramsOut, turns - b.turns,
                    acksForwarded - b.acksForwarded, controlMessages - b.controlMessages, flushes - b.flushes,
                    records - b.records, socketWrites - b.socketWrites);
        }

        String perGb(long bytes) {
            double k = 1e9 / bytes;
            return String.format(Locale.ROOT, "datagrams in %.0f, out %.0f, loop turns %.0f, AckForwards %.0f,"
                    + " control messages %.0f, flushes %.0f, TLS records %.0f, socket writes %.0f",
                    datagramsIn * k, datagramsOut * k, turns * k, acksForwarded * k, controlMessages * k, flushes * k,
                    records * k, socketWrites * k);
        }
    }

    /** CPU time of the live threads with these names (the LB's loop and its control channels). */
    static long cpuNanos(List<String> names) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (names.contains(t.getName())) {
                long n = mx.getThreadCpuTime(t.getId());
                sum += Math.max(0, n);
            }
        }
        return sum;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static int freeUdpPort() throws IOException {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return s.getLocalPort();
        }
    }

    private static void awaitBackends(LoadBalancer lb, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (lb.healthyBackends().size() < count) {
            if (System.nanoTime() > deadline) {
                throw new IOException("real servers did not connect: " + lb.healthyBackends());
            }
            Thread.sleep(20);
        }
    }
}
