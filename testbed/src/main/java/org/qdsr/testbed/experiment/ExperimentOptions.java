package org.qdsr.testbed.experiment;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Settings shared by the experiments ({@code qdsr testbed run NAME [options]}). A null or zero
 * field means "the experiment's default" (which differs between smoke and full runs).
 *
 * @param smoke small sizes and a few seconds per point (the CI test)
 * @param runs repetitions of every point; reports give medians
 * @param modes LB modes compared side by side (first is the baseline of the ratios)
 * @param clients client hosts generating load at once
 * @param lbCpu LB CPU cap in cores (null: experiment default; 0: none)
 * @param lbRateMbit LB egress rate limit (0: none)
 * @param rsRateMbit RS egress rate limit (0: none)
 * @param maxRs most real servers (lb-bottleneck sweeps 1..maxRs)
 * @param seconds load duration of one point (0: default)
 * @param p99BoundMs the capacity experiment's latency bound
 * @param objectBytes object size for lb-bottleneck and lb-cpu (0: default 1 MB)
 * @param paths latency: names of the emulated paths to measure (empty: all; see {@link LinkPath#fullSet()})
 * @param sizes latency: object sizes in bytes (empty: 10 KB, 1 MB, 10 MB)
 * @param rates capacity: offered req/s per client, stepped through in order (empty: the default doubling)
 * @param warmUpRounds most warm-up rounds after an LB start (0: {@value #DEFAULT_WARM_UP_ROUNDS}); full runs only
 * @param workDir where logs and certificates go
 * @param log progress output
 */
public record ExperimentOptions(boolean smoke, int runs, List<String> modes, int clients, Double lbCpu,
        int lbRateMbit, int rsRateMbit, int maxRs, double seconds, double p99BoundMs, long objectBytes,
        List<String> paths, List<Long> sizes, List<Integer> rates, int warmUpRounds, Path workDir, PrintStream log) {
    /** Most warm-up rounds unless {@code --warmup-rounds} says otherwise. */
    public static final int DEFAULT_WARM_UP_ROUNDS = 15;
    /** Connections (one 10 KB request each) opened in every warm-up round ({@link #warmUp()}). */
    public static final int HANDSHAKES_PER_WARM_UP_ROUND = 32;

    public ExperimentOptions {
        modes = List.copyOf(modes);
        paths = List.copyOf(paths);
        sizes = List.copyOf(sizes);
        rates = List.copyOf(rates);
        if (runs < 1 || modes.isEmpty() || clients < 1) {
            throw new IllegalArgumentException("--runs, --modes and --clients need at least one");
        }
        if (warmUpRounds < 0) {
            throw new IllegalArgumentException("--warmup-rounds must be >= 1 (0: the default): " + warmUpRounds);
        }
    }

    /** The modes every experiment compares unless {@code --modes} says otherwise; proxy is the baseline. */
    public static final List<String> DEFAULT_MODES = List.of("proxy", "isolated", "instructed");

    /** Defaults: one run, modes proxy, isolated, instructed, one client. */
    public static ExperimentOptions defaults(Path workDir, PrintStream log) {
        return new ExperimentOptions(false, 1, DEFAULT_MODES, 1, null, 0, 0, 0, 0, 200, 0, List.of(),
                List.of(), List.of(), 0, workDir, log);
    }

    public ExperimentOptions withSmoke(boolean s) {
        return new ExperimentOptions(s, runs, modes, clients, lbCpu, lbRateMbit, rsRateMbit, maxRs, seconds,
                p99BoundMs, objectBytes, paths, sizes, rates, warmUpRounds, workDir, log);
    }

    /** The load duration of one point: {@code seconds}, else 1.5 s for smoke and {@code full} otherwise. */
    public double secondsOr(double full) {
        return seconds > 0 ? seconds : smoke ? 1.5 : full;
    }

    /** The object size: {@code objectBytes}, else 100 KB for smoke and 1 MB otherwise. */
    public long objectBytesOrDefault() {
        return objectBytes > 0 ? objectBytes : smoke ? 100_000 : 1_000_000;
    }

    /** The LB CPU cap: {@code lbCpu} if given, else {@code fallback}. */
    public double lbCpuOr(double fallback) {
        return lbCpu != null ? lbCpu : fallback;
    }

    /**
     * Load run after every LB start, before its CPU cap: rounds of 3 s of 10 KB and 1 MB objects,
     * each followed by {@value #HANDSHAKES_PER_WARM_UP_ROUND} one-request connections, until the LB's JIT compilers used less than 0.1 s in a round (at most {@code warmUpRounds},
     * default {@value #DEFAULT_WARM_UP_ROUNDS}), or for a
     * smoke run only 8 small requests (the LB starts up to 13 times in the CI smoke test).
     */
    public WarmUp warmUp() {
        return smoke ? WarmUp.once(BenchLoad.counted(1, 4, 8, List.of(BenchLoad.bytes(10_000), BenchLoad.bytes(100_000))))
                : new WarmUp(BenchLoad.timed(2, 4, 3, List.of(BenchLoad.bytes(10_000), BenchLoad.bytes(1_000_000))),
                        BenchLoad.counted(HANDSHAKES_PER_WARM_UP_ROUND, 1, HANDSHAKES_PER_WARM_UP_ROUND,
                                List.of(BenchLoad.bytes(10_000))),
                        warmUpRounds > 0 ? warmUpRounds : DEFAULT_WARM_UP_ROUNDS, 0.1);
    }

    /** Starts the cluster an experiment measures on (with {@link #warmUp()}). */
    public Cluster start(int realServers, double cpu) {
        return Cluster.start(workDir, cluster(realServers, cpu), log, warmUp());
    }

    /** The cluster an experiment starts with. */
    public ClusterSpec cluster(int realServers, double cpu) {
        return new ClusterSpec(realServers, clients, cpu, lbRateMbit, rsRateMbit, modes.get(0));
    }
}
