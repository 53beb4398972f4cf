package org.qdsr.testbed.experiment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code capacity}: the highest request rate each mode serves with p99 latency under a bound, for
 * a web-like object-size mix. Closed-loop step search: the number of concurrent requests doubles
 * (1, 2, 4, ...) until p99 exceeds the bound or a request fails; the capacity is the best req/s of
 * a step within the bound. (Open-loop {@code bench --rate} is not used yet.)
 */
public final class Capacity implements Experiment {
    @Override
    public String name() {
        return "capacity";
    }

    @Override
    public String description() {
        return "highest req/s with p99 under a bound (default 200 ms), size mix " + SizeMix.REALISTIC
                + ", per mode (concurrency step search)";
    }

    @Override
    public Report run(ExperimentOptions o) throws Exception {
        int rs = o.maxRs() > 0 ? o.maxRs() : 2;
        double cpu = o.lbCpuOr(LbBottleneck.DEFAULT_CPU);
        SizeMix mix = SizeMix.parse(o.smoke() ? "1k:5,10k:3,100k:2" : SizeMix.REALISTIC);
        List<Integer> steps = o.smoke() ? List.of(1, 4) : List.of(1, 2, 4, 8, 16, 32, 64, 128);
        double seconds = o.secondsOr(8);
        Table data = new Table("mode", "concurrency", "req_per_s", "goodput_mbit_s", "latency_p50_ms",
                "latency_p99_ms", "failed", "within_bound");
        Map<String, Double> capacity = new LinkedHashMap<>();
        Chart chart = Chart.lines(String.format(Locale.ROOT, "p99 latency vs load (bound %.0f ms)", o.p99BoundMs()),
                "requests/s", "p99 latency (ms)");
        try (Cluster cluster = o.start(rs, cpu)) {
            for (String mode : o.modes()) {
                cluster.restartLb(mode, rs);
                double best = 0;
                for (int step : steps) {
                    int connections = Math.max(1, step / 8);
                    BenchLoad load = BenchLoad.timed(connections, step / connections, seconds, mix.paths());
                    BenchResult r = Measure.repeated(cluster, load, o);
                    boolean within = r.failed() == 0 && r.latencyP99() <= o.p99BoundMs();
                    data.row(mode, step * o.clients(), r.requestsPerSecond(), r.goodputMbit(), r.latencyP50(),
                            r.latencyP99(), r.failed(), within);
                    chart.point(mode, r.requestsPerSecond(), r.latencyP99());
                    o.log().println("capacity " + mode + " concurrency=" + step + ": " + r);
                    if (within) {
                        best = Math.max(best, r.requestsPerSecond());
                    } else if (best > 0) {
                        break;
                    }
                }
                capacity.put(mode, best);
            }
        }
        Table summary = new Table("mode", "capacity_req_per_s", "ratio_to_" + o.modes().get(0));
        double base = capacity.get(o.modes().get(0));
        capacity.forEach((mode, c) -> summary.row(mode, c, Stats.ratio(c, base)));
        return new Report(name(), "Capacity under a p99 bound").data(data).chart(chart)
                .paragraph(String.format(Locale.ROOT, "Size mix `%s` (mean %.0f bytes) cycled by `qdsr bench`; "
                        + "concurrency steps %s per client (%d client(s)), %.1f s each, %d run(s), medians; "
                        + "%d RSs; LB %s. p99 bound %.0f ms. Closed-loop step search (bench has no open-loop "
                        + "--rate here), so the offered load is the concurrency, not a fixed rate.",
                        o.smoke() ? "1k:5,10k:3,100k:2" : SizeMix.REALISTIC, mix.meanBytes(), steps, o.clients(),
                        seconds, o.runs(), rs, LbBottleneck.limit(cpu, o), o.p99BoundMs()))
                .table("Capacity (same run)", summary);
    }
}
