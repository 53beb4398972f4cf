package org.qdsr.testbed.experiment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code capacity}: the highest request rate each mode serves with p99 latency under a bound, for
 * a web-like object-size mix ({@code bench --sizes}). Open-loop step search ({@code bench --rate},
 * latencies from the scheduled arrival times): the offered rate doubles until, after a step within
 * the bound, a step misses it (p99 over the bound, a failure, or a dropped arrival); the capacity
 * is the highest offered rate of a step within the bound.
 */
public final class Capacity implements Experiment {
    static final String SMOKE_MIX = "1k:5,10k:3,100k:2";

    @Override
    public String name() {
        return "capacity";
    }

    @Override
    public String description() {
        return "highest req/s with p99 under a bound (default 200 ms), size mix " + SizeMix.REALISTIC
                + ", per mode (open-loop rate steps)";
    }

    @Override
    public Report run(ExperimentOptions o) throws Exception {
        int rs = o.maxRs() > 0 ? o.maxRs() : 2;
        double cpu = o.lbCpuOr(LbBottleneck.DEFAULT_CPU);
        String mix = o.smoke() ? SMOKE_MIX : SizeMix.REALISTIC;
        List<Integer> rates = !o.rates().isEmpty() ? o.rates()
                : o.smoke() ? List.of(10, 40) : List.of(25, 50, 100, 200, 400, 800, 1600, 3200);
        double seconds = o.secondsOr(8);
        Table data = new Table("mode", "offered_req_per_s", "req_per_s", "goodput_mbit_s", "latency_p50_ms",
                "latency_p99_ms", "failed", "dropped", "within_bound");
        Map<String, Double> capacity = new LinkedHashMap<>();
        Chart chart = Chart.lines(String.format(Locale.ROOT, "p99 latency vs offered load (bound %.0f ms)",
                o.p99BoundMs()), "offered requests/s (all clients)", "p99 latency (ms)");
        try (Cluster cluster = o.start(rs, cpu)) {
            for (String mode : o.modes()) {
                cluster.restartLb(mode, rs);
                double best = 0;
                for (int rate : rates) {
                    BenchLoad load = BenchLoad.timed(4, 32, seconds, List.of(BenchLoad.bytes(1000))).withSizes(mix)
                            .withRate(rate);
                    BenchResult r = Measure.repeated(cluster, load, o);
                    double offered = rate * (double) o.clients();
                    boolean within = r.failed() == 0 && r.dropped() == 0 && r.latencyP99() <= o.p99BoundMs();
                    data.row(mode, offered, r.requestsPerSecond(), r.goodputMbit(), r.latencyP50(), r.latencyP99(),
                            r.failed(), r.dropped(), within);
                    chart.point(mode, offered, r.latencyP99());
                    o.log().println("capacity " + mode + " rate=" + offered + ": " + r);
                    if (within) {
                        best = Math.max(best, offered);
                    } else if (best > 0 && o.rates().isEmpty()) {
                        break; // with --rates every step named is measured
                    }
                }
                capacity.put(mode, best);
            }
        }
        Table summary = new Table("mode", "capacity_req_per_s", "ratio_to_" + o.modes().get(0));
        double base = capacity.get(o.modes().get(0));
        capacity.forEach((mode, c) -> summary.row(mode, c, Stats.ratio(c, base)));
        Report report = new Report(name(), "Capacity under a p99 bound").data(data).chart(chart)
                .paragraph(String.format(Locale.ROOT, "Open loop: `qdsr bench --rate R --sizes %s -c 4 -m 32 -D %.1f` "
                        + "(mean object %.0f bytes, Poisson arrivals, latency from the scheduled time) from %d "
                        + "client(s); rates %s per client; %d run(s), medians; %d RSs; LB %s. A step is within "
                        + "the bound when p99 <= %.0f ms with no failed and no dropped request; the search stops "
                        + "at the first miss after a step within the bound (unless `--rates` named the steps).", mix, seconds,
                        SizeMix.parse(mix).meanBytes(), o.clients(), rates, o.runs(), rs, LbBottleneck.limit(cpu, o),
                        o.p99BoundMs()))
                .table("Capacity (same run)", summary);
        if (o.modes().size() > 1) {
            report.table(Ratios.heading(o.modes()), new Ratios<String>(List.of("bound_ms"), x -> List.of(x))
                    .metric("capacity", (mode, x) -> capacity.get(mode))
                    .table(List.of(String.format(Locale.ROOT, "%.0f", o.p99BoundMs())), o.modes()));
        }
        return report;
    }
}
