package org.qdsr.testbed.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.qdsr.testbed.Commands;
import org.qdsr.testbed.NsProcess;
import org.qdsr.testbed.TestbedException;
import org.qdsr.testbed.Topology;
import org.qdsr.testbed.cli.Args.UsageException;
import org.qdsr.testbed.experiment.Cluster;
import org.qdsr.testbed.experiment.ClusterSpec;
import org.qdsr.testbed.experiment.CpuCap;
import org.qdsr.testbed.experiment.Experiment;
import org.qdsr.testbed.experiment.ExperimentOptions;
import org.qdsr.testbed.experiment.Experiments;

/**
 * {@code qdsr testbed up|down|run NAME}: the multi-host topology in network namespaces (root).
 * Exit codes as the other commands: 0 success, 1 failure, 2 usage error.
 */
public final class TestbedMain {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;

    private static final Set<String> UP_OPTIONS = Set.of("--rs", "--clients", "--lb-cpu", "--lb-rate", "--rs-rate",
            "--mode", "--state", "--dir");
    private static final Set<String> RUN_OPTIONS = Set.of("--out", "--runs", "--modes", "--clients", "--lb-cpu",
            "--lb-rate", "--rs-rate", "--max-rs", "--seconds", "--bound-ms", "--size", "--paths", "--sizes", "--rates",
            "--warmup-rounds");

    private final PrintStream out;
    private final PrintStream err;

    public TestbedMain(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new TestbedMain(System.out, System.err).run(args));
    }

    /** Runs one command; never calls System.exit. */
    public int run(String... args) {
        List<String> list = Arrays.asList(args);
        if (list.isEmpty() || list.contains("--help") || list.contains("-h")) {
            usage(list.isEmpty() ? err : out);
            return list.isEmpty() ? USAGE : OK;
        }
        try {
            List<String> rest = list.subList(1, list.size());
            return switch (list.get(0)) {
                case "up" -> up(Args.parse(rest, Set.of(), UP_OPTIONS));
                case "down" -> down(Args.parse(rest, Set.of(), Set.of("--state")));
                case "run" -> run(Args.parse(rest, Set.of("--smoke"), RUN_OPTIONS));
                default -> throw new UsageException("unknown testbed command " + list.get(0));
            };
        } catch (UsageException | IllegalArgumentException e) {
            err.println("qdsr testbed: " + e.getMessage());
            err.println("try 'qdsr testbed --help'");
            return USAGE;
        } catch (TestbedException e) {
            err.println("qdsr testbed: " + e.getMessage());
            return FAILURE;
        } catch (Exception e) {
            err.println("qdsr testbed: " + e);
            return FAILURE;
        }
    }

    private int up(Args a) throws IOException {
        noPositional(a);
        ClusterSpec spec = new ClusterSpec(a.integer("--rs", 2), a.integer("--clients", 1),
                a.number("--lb-cpu", 0), a.integer("--lb-rate", 0), a.integer("--rs-rate", 0),
                a.string("--mode", "auto"));
        Path state = Path.of(a.string("--state", TestbedState.DEFAULT.toString()));
        if (Files.exists(state)) {
            err.println("qdsr testbed: already up (" + state + "); run 'qdsr testbed down' first");
            return FAILURE;
        }
        Commands.checkPrerequisites();
        Path dir = Path.of(a.string("--dir", state.toAbsolutePath().getParent().resolve("work").toString()));
        Cluster cluster = Cluster.start(dir, spec, out);
        try {
            List<Long> pids = cluster.topology().processes().stream().filter(NsProcess::isAlive)
                    .map(NsProcess::pid).toList();
            List<String> cgroups = cluster.cgroup() == null ? List.of() : List.of(cluster.cgroup().toString());
            new TestbedState(cluster.topology().namespaces(), pids, cgroups, cluster.lb().pid(), dir.toString())
                    .write(state);
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        cluster.detach();
        Topology t = cluster.topology();
        out.println("testbed up: " + t.hostNames() + "; VIP " + Cluster.VIP_TARGET + "; state " + state
                + "; logs " + dir);
        out.println("try: ip netns exec " + t.namespace("client1") + " bin/qdsr bench --insecure https://"
                + Cluster.VIP_TARGET + "/bytes/100000");
        out.println("stop: bin/qdsr testbed down" + (a.has("--state") ? " --state " + state : ""));
        return OK;
    }

    private int down(Args a) throws IOException {
        noPositional(a);
        Path state = Path.of(a.string("--state", TestbedState.DEFAULT.toString()));
        if (!Files.exists(state)) {
            out.println("testbed: nothing to tear down (no " + state + ")");
            return OK;
        }
        Commands.checkPrerequisites();
        TestbedState s = TestbedState.read(state);
        stopProcesses(s.pids());
        Topology.deleteNamespaces(s.namespaces());
        s.cgroups().forEach(c -> CpuCap.remove(Path.of(c)));
        List<String> left = new ArrayList<>(s.namespaces());
        left.retainAll(List.of(Commands.run(List.of("ip", "netns", "list")).output().replaceAll(" \\(id: \\d+\\)", "")
                .split("\\s+")));
        if (!left.isEmpty()) {
            err.println("qdsr testbed: namespaces still present: " + left);
            return FAILURE;
        }
        Files.delete(state);
        out.println("testbed down: removed " + s.namespaces().size() + " namespaces, " + s.pids().size()
                + " processes, " + s.cgroups().size() + " cgroups");
        return OK;
    }

    /** SIGTERM to each recorded process that still runs qdsr, SIGKILL after 3 s. */
    private static void stopProcesses(List<Long> pids) {
        List<ProcessHandle> ours = pids.stream().map(ProcessHandle::of).flatMap(java.util.Optional::stream)
                .filter(h -> h.info().commandLine().map(c -> c.contains("qdsr")).orElse(true)).toList();
        ours.forEach(ProcessHandle::destroy);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(3));
        for (ProcessHandle h : ours) {
            while (h.isAlive() && Instant.now().isBefore(deadline)) {
                Thread.onSpinWait();
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            h.destroyForcibly();
        }
    }

    private int run(Args a) throws Exception {
        List<String> names = a.positional();
        if (names.size() != 1) {
            throw new UsageException("run needs one experiment name: " + Experiments.all().keySet());
        }
        String name = names.get(0);
        if (!Experiments.all().containsKey(name)) {
            throw new UsageException("unknown experiment " + name + "; known: " + Experiments.all().keySet());
        }
        Commands.checkPrerequisites();
        Path outDir = Path.of(a.string("--out", Experiments.defaultOut(name).toString())).toAbsolutePath();
        ExperimentOptions o = new ExperimentOptions(a.flag("--smoke"), a.integer("--runs", 1),
                List.of(a.string("--modes", String.join(",", ExperimentOptions.DEFAULT_MODES)).split(",")), a.integer("--clients", 1),
                a.has("--lb-cpu") ? a.number("--lb-cpu", 0) : null, a.integer("--lb-rate", 0),
                a.integer("--rs-rate", 0), a.integer("--max-rs", 0), a.number("--seconds", 0),
                a.number("--bound-ms", 200), a.integer("--size", 0), list(a, "--paths"),
                list(a, "--sizes").stream().map(TestbedMain::bytes).toList(),
                list(a, "--rates").stream().map(v -> (int) positive("--rates", v)).toList(),
                a.has("--warmup-rounds") ? (int) positive("--warmup-rounds", a.string("--warmup-rounds", "")) : 0,
                outDir.resolve("logs"), out);
        Path md = Experiments.run(name, outDir, o);
        out.println("testbed run " + name + ": wrote " + md + " (+ .csv, .png)");
        return OK;
    }

    private static List<String> list(Args a, String name) {
        return a.has(name) ? Arrays.stream(a.string(name, "").split(",")).map(String::trim)
                .filter(x -> !x.isEmpty()).toList() : List.of();
    }

    private static long bytes(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--sizes needs byte counts: " + v);
        }
    }

    private static long positive(String option, String v) {
        try {
            long n = Long.parseLong(v);
            if (n > 0 && n <= Integer.MAX_VALUE) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException(option + " needs positive whole numbers: " + v);
    }

    private static void noPositional(Args a) {
        if (!a.positional().isEmpty()) {
            throw new UsageException("unexpected arguments " + a.positional());
        }
    }

    private void usage(PrintStream to) {
        to.println("""
                Usage: qdsr testbed up [--rs N] [--clients C] [--lb-cpu CORES] [--lb-rate MBIT] [--rs-rate MBIT]
                                       [--mode auto|isolated|instructed|proxy] [--state FILE] [--dir DIR]
                       qdsr testbed down [--state FILE]
                       qdsr testbed run NAME [--out DIR] [--smoke] [--runs R] [--modes proxy,isolated,instructed]
                                       [--clients C] [--lb-cpu CORES] [--lb-rate MBIT] [--rs-rate MBIT]
                                       [--max-rs N] [--seconds S] [--bound-ms MS] [--size BYTES]
                                       [--paths direct,rtt20,rtt50-loss1,Verizon-LTE-short,...] [--sizes BYTES,...]
                                       [--rates REQ_PER_S,...] (capacity: these steps instead of 25..3200)
                                       [--warmup-rounds N] (at most N rounds of 3 s until the LB's JIT is quiet; 15)
                Multi-host QDSR in network namespaces (needs root and iproute2). Addresses 198.18.0.0/15,
                VIP %s. State file default %s. Results default results/DATE-NAME/.
                Experiments:""".formatted(Cluster.VIP_TARGET, TestbedState.DEFAULT));
        for (Experiment e : Experiments.all().values()) {
            to.printf("  %-14s %s%n", e.name(), e.description());
        }
    }
}
