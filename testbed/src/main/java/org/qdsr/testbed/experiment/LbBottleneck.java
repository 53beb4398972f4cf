package org.qdsr.testbed.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code lb-bottleneck}: the LB is the small box (capped at 0.25 core by default, or in egress
 * bandwidth with {@code --lb-rate}); aggregate goodput and requests/s against the number of RSs,
 * for each LB mode. Proxy mode stays at the LB's limit; isolated and instructed DSR should grow with
 * the RSs.
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
        int minRs = o.smoke() ? maxRs : 1; // smoke: one point per mode (each LB start costs seconds in CI)
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
                // from maxRs down: the first point reuses the LB the cluster started with
                for (int n = maxRs; n >= minRs; n--) {
                    cluster.restartLb(mode, n);
                    BenchResult r = Measure.repeated(cluster, load, o);
                    byMode.computeIfAbsent(mode, m -> new java.util.TreeMap<>()).put(n, r);
                    o.log().println("lb-bottleneck " + mode + " rs=" + n + ": " + r);
                }
            }
        }
        byMode.forEach((mode, points) -> points.forEach((n, r) -> {
            data.row(mode, n, r.requestsPerSecond(), r.goodputMbit(), r.latencyP50(), r.latencyP99(),
                    r.requests(), r.failed());
            chart.point(mode, n, r.goodputMbit());
        }));
        Report report = new Report(name(), "LB bottleneck: goodput vs number of real servers").data(data).chart(chart)
                .paragraph(String.format(Locale.ROOT, "Load: %d client(s) x `qdsr bench -c %d -m %d -D %.1f` of "
                        + "%d-byte objects (`/bytes/%d`), %d run(s) per point, medians; RSs %d..%d. LB: %s.",
                        o.clients(), load.connections(), load.streams(), seconds, size, size, o.runs(), minRs, maxRs,
                        limit(cpu, o)));
        return o.modes().size() < 2 ? report
                : report.table(Ratios.heading(o.modes()), ratios(byMode, o.modes(), minRs, maxRs));
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

    private static Table ratios(Map<String, Map<Integer, BenchResult>> byMode, List<String> modes, int minRs,
            int maxRs) {
        List<Integer> counts = java.util.stream.IntStream.rangeClosed(minRs, maxRs).boxed().toList();
        return new Ratios<Integer>(List.of("rs"), n -> List.of(n))
                .metric("goodput", (mode, n) -> byMode.get(mode).get(n).goodputMbit())
                .metric("req/s", (mode, n) -> byMode.get(mode).get(n).requestsPerSecond())
                .table(counts, modes);
    }
}
