package org.qdsr.testbed.experiment;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The numbers of one {@code qdsr bench --json} run (or several clients' runs aggregated).
 * Latencies in milliseconds; bytes are response body bytes.
 */
public record BenchResult(long requests, long succeeded, long failed, long dropped, double elapsedSeconds,
        long bodyBytes, double ttfbP50, double ttfbP99, double latencyP50, double latencyP99) {

    public double requestsPerSecond() {
        return requests / Math.max(elapsedSeconds, 1e-9);
    }

    public double goodputMbit() {
        return bodyBytes * 8 / 1e6 / Math.max(elapsedSeconds, 1e-9);
    }

    /** Parses the JSON object bench prints (the last line of {@code output} that starts with '{'). */
    public static BenchResult parse(String output) {
        String json = null;
        for (String line : output.split("\n")) {
            if (line.strip().startsWith("{\"requests\"")) {
                json = line.strip();
            }
        }
        if (json == null) {
            throw new IllegalArgumentException("no bench JSON in output:\n" + output);
        }
        return new BenchResult(num(json, "requests").longValue(), num(json, "succeeded").longValue(),
                num(json, "failed").longValue(), json.contains("\"dropped\"") ? num(json, "dropped").longValue() : 0,
                num(json, "elapsed_s"), num(json, "body_bytes").longValue(),
                nested(json, "ttfb_ms", "p50"), nested(json, "ttfb_ms", "p99"), nested(json, "latency_ms", "p50"),
                nested(json, "latency_ms", "p99"));
    }

    /**
     * Several clients run concurrently: counts and bytes add up, elapsed is the longest, p50 is the
     * median of the clients' p50s and p99 the worst client's p99 (a conservative bound).
     */
    public static BenchResult aggregate(List<BenchResult> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return new BenchResult(parts.stream().mapToLong(BenchResult::requests).sum(),
                parts.stream().mapToLong(BenchResult::succeeded).sum(),
                parts.stream().mapToLong(BenchResult::failed).sum(),
                parts.stream().mapToLong(BenchResult::dropped).sum(),
                parts.stream().mapToDouble(BenchResult::elapsedSeconds).max().orElse(0),
                parts.stream().mapToLong(BenchResult::bodyBytes).sum(),
                Stats.median(parts.stream().mapToDouble(BenchResult::ttfbP50).toArray()),
                parts.stream().mapToDouble(BenchResult::ttfbP99).max().orElse(0),
                Stats.median(parts.stream().mapToDouble(BenchResult::latencyP50).toArray()),
                parts.stream().mapToDouble(BenchResult::latencyP99).max().orElse(0));
    }

    /** Field-wise medians of repeated runs of the same point. */
    public static BenchResult median(List<BenchResult> runs) {
        if (runs.size() == 1) {
            return runs.get(0);
        }
        return new BenchResult(Math.round(med(runs, r -> r.requests)), Math.round(med(runs, r -> r.succeeded)),
                Math.round(med(runs, r -> r.failed)), Math.round(med(runs, r -> r.dropped)),
                med(runs, BenchResult::elapsedSeconds),
                Math.round(med(runs, r -> r.bodyBytes)), med(runs, BenchResult::ttfbP50),
                med(runs, BenchResult::ttfbP99), med(runs, BenchResult::latencyP50), med(runs, BenchResult::latencyP99));
    }

    private static double med(List<BenchResult> runs, java.util.function.ToDoubleFunction<BenchResult> f) {
        return Stats.median(runs.stream().mapToDouble(f).toArray());
    }

    private static Double num(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(-?[0-9.eE+]+)").matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("bench JSON lacks " + key + ": " + json);
        }
        return Double.valueOf(m.group(1));
    }

    private static double nested(String json, String object, String key) {
        Matcher m = Pattern.compile("\"" + object + "\":\\{([^}]*)\\}").matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("bench JSON lacks " + object + ": " + json);
        }
        return num(m.group(1), key);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d req (%d failed, %d dropped) in %.2f s: %.1f req/s, %.1f Mbit/s, p50 %.1f ms, "
                + "p99 %.1f ms", requests, failed, dropped, elapsedSeconds, requestsPerSecond(), goodputMbit(), latencyP50,
                latencyP99);
    }
}
