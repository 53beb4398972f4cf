package org.qdsr.testbed.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code lb-cpu}: LB CPU seconds per GB delivered, per mode: utime+stime of the LB process's threads
 * from {@code /proc/PID/task} around a bench run (after a warm-up), divided by the body bytes bench
 * reports, in total and by {@link ThreadCpu.Kind}. Both the whole process and the process without
 * its JIT compiler threads are reported: an isolated-mode LB handles so few datagrams that C2 is
 * still compiling its hot path minutes into the load (seen: 0.5-1.2 s of C2 in a 20 s run after 60 s
 * of warm-up), a cost that does not grow with the bytes delivered and that a long-running LB has
 * paid; without it is the steady state. No CPU cap by default, so the cost is not clipped.
 *
 * <p>{@code --paths NAME} (one of the latency experiment's paths, e.g. {@code rtt20}) runs the
 * client through the user-space link emulator: the isolated LB's work follows the client's ACKs,
 * about three per round trip of the real servers' windows, so its cost per GB depends on the RTT,
 * while the proxy's follows the bytes. Without it the path is the testbed's sub-millisecond one.
 */
public final class LbCpu implements Experiment {
    private final PathEmulator emulator;

    /** With the link emulator when it is on the classpath ({@code --paths}), else the direct path only. */
    public LbCpu() {
        this(LinkEmulatorStep.available() ? new LinkEmulatorStep(LinkEmulatorStep.defaultTraces()) : PathEmulator.NONE);
    }

    public LbCpu(PathEmulator emulator) {
        this.emulator = emulator;
    }

    @Override
    public String name() {
        return "lb-cpu";
    }

    @Override
    public String description() {
        return "LB CPU seconds per GB delivered (utime+stime from /proc) for each mode, with the ratio";
    }

    /** One mode's measurement. */
    record Point(double cpuSeconds, double jitSeconds, double loopSeconds, double controlSeconds,
            double gcSeconds, long bytes, double goodputMbit) {
        static Point of(ThreadCpu cpu, BenchResult r) {
            return new Point(cpu.total(), cpu.of(ThreadCpu.Kind.JIT), cpu.of(ThreadCpu.Kind.LOOP),
                    cpu.of(ThreadCpu.Kind.CONTROL), cpu.of(ThreadCpu.Kind.GC), r.bodyBytes(), r.goodputMbit());
        }

        double perGb() {
            return perGb(cpuSeconds);
        }

        /** CPU per GB of every thread but the JIT compilers: the steady state. */
        double perGbWithoutJit() {
            return perGb(cpuSeconds - jitSeconds);
        }

        double perGb(double seconds) {
            return bytes == 0 ? 0 : seconds / (bytes / 1e9);
        }
    }

    @Override
    public Report run(ExperimentOptions o) throws Exception {
        int rs = o.maxRs() > 0 ? o.maxRs() : 2;
        long size = o.objectBytesOrDefault();
        double seconds = o.secondsOr(10);
        BenchLoad load = BenchLoad.timed(2, 4, seconds, List.of(BenchLoad.bytes(size)));
        Map<String, Point> byMode = new LinkedHashMap<>();
        Table data = new Table("mode", "body_bytes", "lb_cpu_s", "cpu_s_per_gb", "jit_s", "cpu_s_per_gb_without_jit",
                "loop_s_per_gb", "control_io_s_per_gb", "gc_s_per_gb", "goodput_mbit_s");
        Chart chart = Chart.bars("LB CPU per GB delivered", o.modes(), "LB CPU seconds per GB");
        LinkPath path = path(o);
        try (Cluster cluster = o.start(rs, o.lbCpuOr(0));
             PathEmulator.Handle h = path == null ? null : emulator.open(cluster, cluster.clients().get(0), path)) {
            BenchLoad measured = h == null ? load : load.withTarget(h.target());
            for (int m = 0; m < o.modes().size(); m++) {
                String mode = o.modes().get(m);
                cluster.restartLb(mode, rs);
                List<Point> runs = new ArrayList<>();
                for (int i = 0; i < o.runs(); i++) {
                    long pid = cluster.lb().pid();
                    ThreadCpu before = ThreadCpu.sample(pid);
                    BenchResult r = cluster.bench(measured);
                    runs.add(Point.of(ThreadCpu.sample(pid).since(before), r));
                }
                Point p = median(runs);
                byMode.put(mode, p);
                data.row(mode, p.bytes(), p.cpuSeconds(), p.perGb(), p.jitSeconds(), p.perGbWithoutJit(),
                        p.perGb(p.loopSeconds()), p.perGb(p.controlSeconds()), p.perGb(p.gcSeconds()), p.goodputMbit());
                chart.point("LB CPU s/GB", m, p.perGb());
                chart.point("without JIT", m, p.perGbWithoutJit());
                o.log().println(String.format(Locale.ROOT, "lb-cpu %s: %.3f CPU s (JIT %.3f, loop %.3f, control I/O "
                        + "%.3f) for %d bytes = %.2f s/GB, %.2f s/GB without JIT", mode, p.cpuSeconds(),
                        p.jitSeconds(), p.loopSeconds(), p.controlSeconds(), p.bytes(), p.perGb(), p.perGbWithoutJit()));
            }
        }
        Report report = new Report(name(), "LB CPU per GB delivered").data(data).chart(chart)
                .paragraph(String.format(Locale.ROOT, "Load: %d client(s) x `qdsr bench -c 2 -m 4 -D %.1f` of "
                        + "%d-byte objects from %d RSs after a warm-up; LB CPU = utime+stime of the LB process "
                        + "(/proc/PID/task/*/stat) over the run, also without the JIT compiler threads (C1/C2: a "
                + "warm-up cost, not a per-byte one) and per thread kind; %d run(s), medians (per-GB from the "
                + "median run values).",
                        o.clients(), seconds, size, rs, o.runs())
                        + (path == null ? "" : " Client path: " + path.name() + " (user-space link emulator)."));
        return o.modes().size() < 2 ? report : report.table(Ratios.heading(o.modes()),
                new Ratios<String>(List.of("load"), x -> List.of(x))
                        .metric("cpu/GB", (mode, x) -> byMode.get(mode).perGb())
                        .metric("cpu/GB without JIT", (mode, x) -> byMode.get(mode).perGbWithoutJit())
                        .metric("goodput", (mode, x) -> byMode.get(mode).goodputMbit())
                        .table(List.of(size + "-byte objects"), o.modes()));
    }

    /** The one emulated path asked for with {@code --paths}, or null for the direct path. */
    private LinkPath path(ExperimentOptions o) {
        if (o.paths().isEmpty()) {
            return null;
        }
        if (o.paths().size() > 1 || o.clients() > 1) {
            throw new IllegalArgumentException("lb-cpu takes one --paths entry and one client");
        }
        LinkPath p = Latency.selected(o.paths()).get(0);
        if (!emulator.supports(p)) {
            throw new IllegalArgumentException("the link emulator is not available for " + p.name());
        }
        return p;
    }

    private static Point median(List<Point> runs) {
        return new Point(median(runs, Point::cpuSeconds), median(runs, Point::jitSeconds),
                median(runs, Point::loopSeconds), median(runs, Point::controlSeconds), median(runs, Point::gcSeconds),
                Math.round(median(runs, p -> p.bytes())), median(runs, Point::goodputMbit));
    }

    private static double median(List<Point> runs, java.util.function.ToDoubleFunction<Point> f) {
        return Stats.median(runs.stream().mapToDouble(f).toArray());
    }
}
