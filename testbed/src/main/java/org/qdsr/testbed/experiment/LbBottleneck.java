package org.qdsr.testbed.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code lb-bottleneck}: the LB is the small box (capped at 0.25 core by default, or in egress
 * bandwidth with {@code --lb-rate}); aggregate goodput and requests/s against the number of RSs,
 * for each LB mode. Proxy mode stays at the LB's limit; isolated DSR should grow with the RSs.
 */
public final class LbBottleneck implements Experiment {
    public static final double DEFAULT_CPU = 0.25;

    @Override
    public String name() {
        return "lb-bottleneck";
    }

    @Override
    public String description() {
        return "goodput and req/s vs number of RSs (1..6) with the LB capped (CPU or --lb-rate), per mode";
    }

    @Override
    public Report run(ExperimentOptions o) throws Exception {
        int maxRs = o.maxRs() > 0 ? o.maxRs() : o.smoke() ? 2 : 6;
        double cpu = o.lbCpuOr(o.lbRateMbit() > 0 ? 0 : DEFAULT_CPU);
        long size = o.objectBytesOrDefault();
        double seconds = o.secondsOr(10);
        BenchLoad load = BenchLoad.timed(o.smoke() ? 2 : 4, 4, seconds, List.of(BenchLoad.bytes(size)));
        Table data = new Table("mode", "rs", "req_per_s", "goodput_mbit_s", "latency_p50_ms", "latency_p99_ms",
                "requests", "failed");
        Map<String, Map<Integer, BenchResult>> byMode = new LinkedHashMap<>();
        Chart chart = Chart.lines("Goodput vs real servers (LB " + limit(cpu, o) + ")", "real servers",
                "goodput (Mbit/s)");
        try (Cluster cluster = o.start(maxRs, cpu)) {
            for (String mode : o.modes()) {
                for (int n = 1; n <= maxRs; n++) {
                    cluster.restartLb(mode, n);
                    BenchResult r = Measure.repeated(cluster, load, o);
                    byMode.computeIfAbsent(mode, m -> new LinkedHashMap<>()).put(n, r);
                    data.row(mode, n, r.requestsPerSecond(), r.goodputMbit(), r.latencyP50(), r.latencyP99(),
                            r.requests(), r.failed());
                    chart.point(mode, n, r.goodputMbit());
                    o.log().println("lb-bottleneck " + mode + " rs=" + n + ": " + r);
                }
            }
        }
        Report report = new Report(name(), "LB bottleneck: goodput vs number of real servers").data(data).chart(chart)
                .paragraph(String.format(Locale.ROOT, "Load: %d client(s) x `qdsr bench -c %d -m %d -D %.1f` of "
                        + "%d-byte objects (`/bytes/%d`), %d run(s) per point, medians. LB: %s.",
                        o.clients(), load.connections(), load.streams(), seconds, size, size, o.runs(), limit(cpu, o)));
        return report.table("Ratios to " + o.modes().get(0) + " (same run)", ratios(byMode, o.modes(), maxRs));
    }

    static String limit(double cpu, ExperimentOptions o) {
        List<String> parts = new ArrayList<>();
        if (cpu > 0) {
            parts.add(String.format(Locale.ROOT, "%.2f core", cpu));
        }
        if (o.lbRateMbit() > 0) {
            parts.add(o.lbRateMbit() + " Mbit/s egress");
        }
        return parts.isEmpty() ? "unlimited" : String.join(", ", parts);
    }

    private static Table ratios(Map<String, Map<Integer, BenchResult>> byMode, List<String> modes, int maxRs) {
        Table t = new Table("mode", "rs", "goodput_ratio", "req_per_s_ratio");
        Map<Integer, BenchResult> base = byMode.get(modes.get(0));
        for (String mode : modes.subList(1, modes.size())) {
            for (int n = 1; n <= maxRs; n++) {
                BenchResult r = byMode.get(mode).get(n);
                t.row(mode + "/" + modes.get(0), n, Stats.ratio(r.goodputMbit(), base.get(n).goodputMbit()),
                        Stats.ratio(r.requestsPerSecond(), base.get(n).requestsPerSecond()));
            }
        }
        return t;
    }
}
