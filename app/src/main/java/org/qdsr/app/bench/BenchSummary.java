package org.qdsr.app.bench;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.HdrHistogram.Histogram;

/**
 * The result of a benchmark run and its two renderings: a human summary and one JSON object.
 * {@code dropped} counts open-loop arrivals not issued because all streams were busy (never part
 * of {@code requests}); {@code offeredRate} is the open-loop arrival rate, 0 for a closed loop.
 */
public record BenchSummary(long requests, long succeeded, long failed, long dropped, long bodyBytes,
                           long elapsedNanos, double offeredRate, Map<Integer, Long> statuses, Percentiles ttfb,
                           Percentiles latency, String firstError) {

    /** Latency percentiles in milliseconds (zeros when nothing was recorded). */
    public record Percentiles(double p50, double p90, double p99, double max) {
        static Percentiles of(Histogram micros) {
            if (micros.getTotalCount() == 0) {
                return new Percentiles(0, 0, 0, 0);
            }
            return new Percentiles(ms(micros.getValueAtPercentile(50)), ms(micros.getValueAtPercentile(90)),
                    ms(micros.getValueAtPercentile(99)), ms(micros.getMaxValue()));
        }

        private static double ms(long micros) {
            return micros / 1000.0;
        }

        String json() {
            return String.format(Locale.ROOT, "{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f}", p50, p90, p99,
                    max);
        }

        String human() {
            return String.format(Locale.ROOT, "p50 %.2f  p90 %.2f  p99 %.2f  max %.2f ms", p50, p90, p99, max);
        }
    }

    private double seconds() {
        return Math.max(elapsedNanos, 1) / 1e9;
    }

    public double requestsPerSecond() {
        return requests / seconds();
    }

    public double goodputBytesPerSecond() {
        return bodyBytes / seconds();
    }

    /** Exactly one JSON object on one line. */
    public String toJson() {
        StringJoiner codes = new StringJoiner(",", "{", "}");
        statuses.forEach((code, n) -> codes.add("\"" + code + "\":" + n));
        return String.format(Locale.ROOT, "{\"requests\":%d,\"succeeded\":%d,\"failed\":%d,\"dropped\":%d,"
                        + "\"elapsed_s\":%.3f,\"req_per_s\":%.1f,\"offered_req_per_s\":%.1f,\"body_bytes\":%d,"
                        + "\"goodput_bytes_per_s\":%.1f,\"ttfb_ms\":%s,\"latency_ms\":%s,\"statuses\":%s}",
                requests, succeeded, failed, dropped, seconds(), requestsPerSecond(), offeredRate, bodyBytes,
                goodputBytesPerSecond(), ttfb.json(), latency.json(), codes);
    }

    /** A few lines in the spirit of h2load's summary. */
    public void printHuman(PrintWriter out) {
        out.printf(Locale.ROOT, "requests: %d total, %d succeeded, %d failed in %.3f s%n", requests, succeeded,
                failed, seconds());
        out.printf(Locale.ROOT, "rate:     %.1f req/s, goodput %.2f MB/s (%d body bytes)%n", requestsPerSecond(),
                goodputBytesPerSecond() / 1e6, bodyBytes);
        if (offeredRate > 0) {
            out.printf(Locale.ROOT, "open loop: %.1f req/s offered, %d dropped (all streams busy); latency from "
                    + "scheduled arrival%n", offeredRate, dropped);
        }
        StringJoiner codes = new StringJoiner(", ");
        statuses.forEach((code, n) -> codes.add(code + ": " + n));
        out.println("statuses: " + (statuses.isEmpty() ? "none" : codes));
        out.println("ttfb:     " + ttfb.human());
        out.println("latency:  " + latency.human());
        if (firstError != null) {
            out.println("first error: " + firstError);
        }
        out.flush();
    }
}
