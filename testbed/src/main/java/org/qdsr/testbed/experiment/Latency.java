package org.qdsr.testbed.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code latency}: time to first byte and completion latency (p50, p99) of small, medium and large
 * objects over emulated paths, per mode. Requests run one at a time on one connection so the
 * numbers are path and server latency, not queueing.
 */
public final class Latency implements Experiment {
    private final PathEmulator emulator;

    /** With the link emulator when it is on the classpath, else the direct path only. */
    public Latency() {
        this(LinkEmulatorStep.available() ? new LinkEmulatorStep(LinkEmulatorStep.defaultTraces()) : PathEmulator.NONE);
    }

    public Latency(PathEmulator emulator) {
        this.emulator = emulator;
    }

    @Override
    public String name() {
        return "latency";
    }

    @Override
    public String description() {
        return "TTFB and completion p50/p99 for 10 KB, 1 MB, 10 MB over emulated paths (RTT, loss, LTE traces)";
    }

    @Override
    public Report run(ExperimentOptions o) throws Exception {
        List<Long> sizes = !o.sizes().isEmpty() ? o.sizes()
                : o.smoke() ? List.of(10_000L) : List.of(10_000L, 1_000_000L, 10_000_000L);
        List<LinkPath> wanted = !o.paths().isEmpty() ? selected(o.paths())
                : o.smoke() ? List.of(LinkPath.DIRECT, LinkPath.of(20, 0)) : LinkPath.fullSet();
        List<LinkPath> paths = wanted.stream().filter(emulator::supports).toList();
        List<LinkPath> skipped = wanted.stream().filter(p -> !emulator.supports(p)).toList();
        int rs = o.maxRs() > 0 ? o.maxRs() : 2;
        Table data = new Table("path", "size_bytes", "mode", "requests", "ttfb_p50_ms", "ttfb_p99_ms",
                "latency_p50_ms", "latency_p99_ms", "failed");
        Map<String, BenchResult> results = new LinkedHashMap<>();
        List<String> categories = new ArrayList<>();
        for (LinkPath p : paths) {
            for (long s : sizes) {
                categories.add(shortName(p) + " " + human(s));
            }
        }
        Chart chart = Chart.bars("Completion latency p50 by path and size", categories, "latency p50 (ms)");
        try (Cluster cluster = o.start(rs, o.lbCpuOr(0))) {
            for (String mode : o.modes()) {
                cluster.restartLb(mode, rs);
                int category = 0;
                for (LinkPath path : paths) {
                    try (PathEmulator.Handle h = emulator.open(cluster, cluster.clients().get(0), path)) {
                        for (long size : sizes) {
                            BenchLoad load = BenchLoad.counted(1, 1, requests(size, o.smoke()),
                                    List.of(BenchLoad.bytes(size))).withTarget(h.target());
                            BenchResult r = Measure.repeated(cluster, load, o);
                            results.put(path.name() + "/" + size + "/" + mode, r);
                            data.row(path.name(), size, mode, r.requests(), r.ttfbP50(), r.ttfbP99(), r.latencyP50(),
                                    r.latencyP99(), r.failed());
                            chart.point(mode, category++, r.latencyP50());
                            o.log().println("latency " + path.name() + " " + size + " " + mode + ": " + r);
                        }
                    }
                }
            }
        }
        Report report = new Report(name(), "Latency by path and object size").data(data).chart(chart)
                .paragraph(String.format(Locale.ROOT, "Each point: `qdsr bench --warmup -c 1 -m 1 -n R` (one "
                        + "request at a time after one unrecorded request, R = %s), %d run(s), medians; %d RSs, LB %s. Paths (user-space link "
                        + "emulator in the client's namespace; delay RTT/2 each way, loss in each direction, "
                        + "traces at 50 ms RTT): %s.",
                        o.smoke() ? "20" : "200 / 30 / 6 for up to 10 KB / 1 MB / more", o.runs(), rs,
                        LbBottleneck.limit(o.lbCpuOr(0), o), paths.stream().map(LinkPath::name).toList()));
        if (o.modes().size() > 1) {
            report.table(Ratios.heading(o.modes()), ratios(results, paths, sizes, o.modes()));
        }
        if (!skipped.isEmpty()) {
            report.paragraph("Not measured (no link emulator on the classpath or trace missing): "
                    + skipped.stream().map(LinkPath::name).toList() + ".");
        }
        return report;
    }

    private record Point(LinkPath path, long size) {
        String key(String mode) {
            return path.name() + "/" + size + "/" + mode;
        }
    }

    private static Table ratios(Map<String, BenchResult> results, List<LinkPath> paths, List<Long> sizes,
            List<String> modes) {
        List<Point> points = new ArrayList<>();
        paths.forEach(p -> sizes.forEach(s -> points.add(new Point(p, s))));
        return new Ratios<Point>(List.of("path", "size_bytes"), p -> List.of(p.path().name(), p.size()))
                .metric("ttfb p50", (mode, p) -> results.get(p.key(mode)).ttfbP50())
                .metric("latency p50", (mode, p) -> results.get(p.key(mode)).latencyP50())
                .metric("latency p99", (mode, p) -> results.get(p.key(mode)).latencyP99())
                .table(points, modes);
    }

    /** The paths of {@link LinkPath#fullSet()} named in {@code names} ({@code --paths}), in that order. */
    static List<LinkPath> selected(List<String> names) {
        List<LinkPath> out = new ArrayList<>();
        for (String n : names) {
            out.add(LinkPath.fullSet().stream().filter(p -> p.name().equals(n)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown path " + n + "; known: "
                            + LinkPath.fullSet().stream().map(LinkPath::name).toList())));
        }
        return out;
    }

    private static long requests(long size, boolean smoke) {
        if (smoke) {
            return size <= 10_000 ? 20 : 4;
        }
        return size <= 10_000 ? 200 : size <= 1_000_000 ? 30 : 6;
    }

    private static String shortName(LinkPath p) {
        return p.trace() != null ? p.trace().substring(0, Math.min(4, p.trace().length())) : p.name();
    }

    private static String human(long size) {
        return size >= 1_000_000 ? size / 1_000_000 + "M" : size / 1000 + "k";
    }
}
