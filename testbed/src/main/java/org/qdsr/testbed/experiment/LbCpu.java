package org.qdsr.testbed.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code lb-cpu}: LB CPU seconds per GB delivered, per mode: utime+stime of the LB process from
 * {@code /proc/PID/stat} around a bench run (after a warm-up), divided by the body bytes bench
 * reports. No CPU cap by default, so the cost is not clipped.
 */
public final class LbCpu implements Experiment {
    @Override
    public String name() {
        return "lb-cpu";
    }

    @Override
    public String description() {
        return "LB CPU seconds per GB delivered (utime+stime from /proc) for each mode, with the ratio";
    }

    /** One mode's measurement. */
    record Point(double cpuSeconds, long bytes, double goodputMbit) {
        double perGb() {
            return bytes == 0 ? 0 : cpuSeconds / (bytes / 1e9);
        }
    }

    @Override
    public Report run(ExperimentOptions o) throws Exception {
        int rs = o.maxRs() > 0 ? o.maxRs() : 2;
        long size = o.objectBytesOrDefault();
        double seconds = o.secondsOr(10);
        BenchLoad load = BenchLoad.timed(2, 4, seconds, List.of(BenchLoad.bytes(size)));
        Map<String, Point> byMode = new LinkedHashMap<>();
        Table data = new Table("mode", "body_bytes", "lb_cpu_s", "cpu_s_per_gb", "goodput_mbit_s");
        Chart chart = Chart.bars("LB CPU per GB delivered", o.modes(), "LB CPU seconds per GB");
        try (Cluster cluster = o.start(rs, o.lbCpuOr(0))) {
            for (int m = 0; m < o.modes().size(); m++) {
                String mode = o.modes().get(m);
                cluster.restartLb(mode, rs);
                List<Point> runs = new ArrayList<>();
                for (int i = 0; i < o.runs(); i++) {
                    long pid = cluster.lb().pid();
                    double before = ProcStat.cpuSeconds(pid);
                    BenchResult r = cluster.bench(load);
                    runs.add(new Point(ProcStat.cpuSeconds(pid) - before, r.bodyBytes(), r.goodputMbit()));
                }
                Point p = median(runs);
                byMode.put(mode, p);
                data.row(mode, p.bytes(), p.cpuSeconds(), p.perGb(), p.goodputMbit());
                chart.point("LB CPU s/GB", m, p.perGb());
                o.log().println(String.format(Locale.ROOT, "lb-cpu %s: %.3f CPU s for %d bytes = %.2f s/GB", mode,
                        p.cpuSeconds(), p.bytes(), p.perGb()));
            }
        }
        Report report = new Report(name(), "LB CPU per GB delivered").data(data).chart(chart)
                .paragraph(String.format(Locale.ROOT, "Load: %d client(s) x `qdsr bench -c 2 -m 4 -D %.1f` of "
                        + "%d-byte objects from %d RSs after a warm-up; LB CPU = utime+stime of the LB process "
                        + "(/proc/PID/stat) over the run; %d run(s), medians (per-GB from the median run values).",
                        o.clients(), seconds, size, rs, o.runs()));
        return o.modes().size() < 2 ? report : report.table(Ratios.heading(o.modes()),
                new Ratios<String>(List.of("load"), x -> List.of(x))
                        .metric("cpu/GB", (mode, x) -> byMode.get(mode).perGb())
                        .metric("goodput", (mode, x) -> byMode.get(mode).goodputMbit())
                        .table(List.of(size + "-byte objects"), o.modes()));
    }

    private static Point median(List<Point> runs) {
        return new Point(Stats.median(runs.stream().mapToDouble(Point::cpuSeconds).toArray()),
                Math.round(Stats.median(runs.stream().mapToDouble(Point::bytes).toArray())),
                Stats.median(runs.stream().mapToDouble(Point::goodputMbit).toArray()));
    }
}
