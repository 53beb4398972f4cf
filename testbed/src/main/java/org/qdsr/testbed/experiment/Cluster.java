package org.qdsr.testbed.experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.qdsr.testbed.Commands;
import org.qdsr.testbed.HostSpec;
import org.qdsr.testbed.NsProcess;
import org.qdsr.testbed.QdsrJar;
import org.qdsr.testbed.TestbedException;
import org.qdsr.testbed.Topology;

/**
 * The running QDSR cluster on a namespace {@link Topology}: clients client1..C, the LB owning the
 * VIP, real servers rs1..N serving {@code --synthetic} content with the VIP on lo; mutual-TLS control
 * from {@code qdsr certs}; tbf rate limits and an LB CPU cap as the {@link ClusterSpec} says.
 * {@link #close()} tears everything down (processes, namespaces, cgroup).
 */
public final class Cluster implements AutoCloseable {
    /** The VIP and port clients connect to. */
    public static final String VIP_TARGET = Topology.VIP + ":4433";
    private static final int CONTROL_PORT = 7000;
    private static final Duration START_WAIT = Duration.ofSeconds(60);

    private final Topology topology;
    private final ClusterSpec spec;
    private final QdsrJar qdsr;
    private final Path certs;
    private final PrintStream log;
    private final Thread cgroupHook = new Thread(this::removeCap, "qdsr-testbed-cgroup");
    private NsProcess lb;
    private CpuCap cap;
    private int lbStarts;
    private String lbMode;
    private int lbBackends;
    private int benchRuns;

    private final WarmUp warmUp;
    /** Per-request CSV of every measured bench run ({@code bench --samples}). */
    private final Path samples;

    private Cluster(Topology topology, ClusterSpec spec, QdsrJar qdsr, Path certs, PrintStream log,
            WarmUp warmUp) {
        this.warmUp = warmUp;
        this.samples = certs.resolveSibling("samples");
        this.topology = topology;
        this.spec = spec;
        this.qdsr = qdsr;
        this.certs = certs;
        this.log = log;
    }

    /** Builds the topology, starts every RS and the LB (mode and backends from {@code spec}). */
    public static Cluster start(Path workDir, ClusterSpec spec, PrintStream log) {
        return start(workDir, spec, log, null);
    }

    /**
     * As {@link #start(Path, ClusterSpec, PrintStream)}; every LB start is followed by {@code warmUp}
     * (if not null) from the first client before the CPU cap applies, so the JIT of the LB, the RSs
     * and their handshake paths is not what the measurements see.
     */
    public static Cluster start(Path workDir, ClusterSpec spec, PrintStream log, WarmUp warmUp) {
        QdsrJar qdsr = QdsrJar.locate();
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new TestbedException("cannot create " + workDir + ": " + e.getMessage(), e);
        }
        Topology topo = Topology.build(workDir, hosts(spec));
        Cluster c = new Cluster(topo, spec, qdsr, workDir.resolve("certs"), log, warmUp);
        Runtime.getRuntime().addShutdownHook(c.cgroupHook);
        log.println("testbed: namespaces " + topo.namespaces());
        try {
            c.startRealServers();
            c.restartLb(spec.mode(), spec.realServers());
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    static List<HostSpec> hosts(ClusterSpec spec) {
        List<HostSpec> hosts = new ArrayList<>();
        for (int i = 1; i <= spec.clients(); i++) {
            hosts.add(HostSpec.plain("client" + i, "198.18.0." + (1 + i)));
        }
        HostSpec lbHost = HostSpec.vipOwner("lb", "198.18.0.10", Topology.VIP);
        hosts.add(spec.lbRateMbit() > 0 ? lbHost.withRate(spec.lbRateMbit() + "mbit") : lbHost);
        for (int i = 1; i <= spec.realServers(); i++) {
            HostSpec rs = HostSpec.dsrServer("rs" + i, "198.18.0." + (20 + i), Topology.VIP);
            hosts.add(spec.rsRateMbit() > 0 ? rs.withRate(spec.rsRateMbit() + "mbit") : rs);
        }
        return hosts;
    }

    private void startRealServers() {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= spec.realServers(); i++) {
            names.add("rs" + i);
        }
        Commands.run(qdsr.command("certs", "--out", certs.toString(), "--rs-names", String.join(",", names)))
                .orThrow();
        List<NsProcess> started = new ArrayList<>();
        for (String rs : names) {
            String control = topology.host(rs).address() + ":" + CONTROL_PORT;
            started.add(topology.start(rs, rs, qdsr.command("rs", "--control", control, "--vip", VIP_TARGET,
                    "--control-tls", certs.toString(), "--name", rs, "--synthetic", "--bind", "EXACT")));
        }
        for (int i = 0; i < started.size(); i++) {
            started.get(i).awaitOutput("rs " + names.get(i) + ": control on", START_WAIT);
        }
        log.println("testbed: " + names.size() + " real servers up");
    }

    /**
     * Stops the running LB (if any; kept when it already runs this mode with these backends) and starts one with {@code --mode mode} and backends rs1..rsN,
     * then applies the CPU cap once it routes to all of them (so JVM start-up is not throttled).
     */
    public synchronized void restartLb(String mode, int backends) {
        if (backends < 1 || backends > spec.realServers()) {
            throw new IllegalArgumentException("backends must be 1.." + spec.realServers());
        }
        if (lb != null && lb.isAlive() && mode.equals(lbMode) && backends == lbBackends) {
            return;
        }
        stopLb();
        lbMode = mode;
        lbBackends = backends;
        List<String> args = new ArrayList<>(List.of("lb", "--listen", VIP_TARGET, "--control-tls", certs.toString(),
                "--mode", mode));
        for (int i = 1; i <= backends; i++) {
            args.add("--backend");
            args.add("rs" + i + "=" + topology.host("rs" + i).address() + ":" + CONTROL_PORT);
        }
        lbStarts++;
        lb = topology.start("lb", lbStarts == 1 ? "lb" : "lb-" + lbStarts, qdsr.command(args.toArray(String[]::new)));
        lb.awaitOutput("lb lb: listening on", START_WAIT);
        for (int i = 1; i <= backends; i++) {
            lb.awaitOutput("backend rs" + i + " up", START_WAIT);
        }
        if (warmUp != null) {
            warmUpLb();
        }
        if (spec.lbCpu() > 0) {
            cap = CpuCap.apply(topology.namespace("lb"), lb.pid(), spec.lbCpu());
            log.println("testbed: LB CPU cap: " + cap.how());
        }
        log.println("testbed: lb up (mode " + mode + ", " + backends + " backends, pid " + lb.pid() + ")");
    }

    /** Rounds of the warm-up load until the LB's JIT compilers are quiet ({@link WarmUp}). */
    private void warmUpLb() {
        double jitBefore = ProcStat.compilerSeconds(lb.pid());
        for (int round = 1; ; round++) {
            BenchResult w = benchFrom(clients().get(0), warmUp.load(), false);
            String handshakes = "";
            if (warmUp.handshakes() != null) {
                handshakes = "; " + warmUp.handshakes().connections() + " connections: "
                        + benchFrom(clients().get(0), warmUp.handshakes(), false);
            }
            double jit = ProcStat.compilerSeconds(lb.pid());
            log.printf(java.util.Locale.ROOT, "testbed: warm-up %d: %s%s; LB JIT %.2f s%n", round, w, handshakes,
                    jit - jitBefore);
            if (warmUp.settled(round, jit - jitBefore)) {
                return;
            }
            jitBefore = jit;
        }
    }

    private void stopLb() {
        if (lb != null) {
            // SIGKILL: nothing of a replaced LB is measured, and a graceful close only costs time
            ProcessHandle.of(lb.pid()).ifPresent(ProcessHandle::destroyForcibly);
            lb.close();
            lb = null;
        }
        removeCap();
    }

    private synchronized void removeCap() {
        if (cap != null) {
            cap.close();
            cap = null;
        }
    }

    /** Runs {@code load} from every client at once and aggregates the results. */
    public BenchResult bench(BenchLoad load) {
        List<CompletableFuture<BenchResult>> runs = new ArrayList<>();
        for (String client : clients()) {
            runs.add(CompletableFuture.supplyAsync(() -> benchFrom(client, load, true)));
        }
        return BenchResult.aggregate(runs.stream().map(CompletableFuture::join).toList());
    }

    private BenchResult benchFrom(String client, BenchLoad load, boolean keepSamples) {
        NsProcess p;
        synchronized (this) {
            String name = "bench-" + (++benchRuns) + "-" + client;
            List<String> args = new ArrayList<>(load.arguments());
            if (keepSamples) {
                Path csv = samples.resolve(name + "-" + lbMode + ".csv");
                try {
                    Files.createDirectories(samples);
                } catch (IOException e) {
                    throw new TestbedException("cannot create " + samples + ": " + e.getMessage(), e);
                }
                args.addAll(1, List.of("--samples", csv.toString()));
            }
            p = topology.start(client, name, qdsr.command(args.toArray(String[]::new)));
        }
        p.waitFor(Duration.ofSeconds(load.timeoutSeconds()));
        try {
            return BenchResult.parse(p.output());
        } catch (IllegalArgumentException e) {
            throw new TestbedException("bench in " + client + " printed no result; log:\n" + p.output(), e);
        }
    }

    /** The client host names. */
    public List<String> clients() {
        List<String> c = new ArrayList<>();
        for (int i = 1; i <= spec.clients(); i++) {
            c.add("client" + i);
        }
        return c;
    }

    public Topology topology() {
        return topology;
    }

    public ClusterSpec spec() {
        return spec;
    }

    /** The running LB process. */
    public synchronized NsProcess lb() {
        return lb;
    }

    /** The cgroup directory of the LB's CPU cap, or null. */
    public synchronized Path cgroup() {
        return cap == null ? null : cap.dir();
    }

    /** Leaves the cluster running after this JVM exits (see {@link Topology#detach()}). */
    public void detach() {
        topology.detach();
        try {
            Runtime.getRuntime().removeShutdownHook(cgroupHook);
        } catch (IllegalStateException shuttingDown) {
            // nothing to detach from
        }
    }

    @Override
    public void close() {
        try {
            topology.close();
        } finally {
            removeCap();
            try {
                Runtime.getRuntime().removeShutdownHook(cgroupHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs removeCap, which is idempotent
            }
        }
    }
}
