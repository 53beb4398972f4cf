package org.qdsr.app.bench;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.qdsr.http3.session.Http3Result;

/**
 * Thread-safe tallies of one benchmark run: request outcomes, status counts, body bytes, and
 * time-to-first-byte / completion latency histograms recorded in microseconds.
 * A request succeeds when it got a response with a status below 400.
 */
public final class BenchStats {
    private static final int SIGNIFICANT_DIGITS = 3;

    private final Histogram ttfbMicros = new Histogram(SIGNIFICANT_DIGITS);
    private final Histogram latencyMicros = new Histogram(SIGNIFICANT_DIGITS);
    private final Map<Integer, Long> statuses = new TreeMap<>();
    private long requests;
    private long succeeded;
    private long failed;
    private long bodyBytes;
    private long dropped;
    private String firstError;
    /** Every request, when asked for ({@link #keepSamples}); null otherwise. */
    private List<Sample> samples;

    /**
     * One request: when it ended (System.nanoTime), its status (0: no response), body bytes, time
     * to first byte and completion time, the {@code x-served-by} header (QDSR's real servers name
     * themselves there) and, for a request without a response, why.
     */
    public record Sample(long endNanos, int status, long bodyBytes, long ttfbNanos, long totalNanos, String servedBy,
                         String error) {
    }

    /** Keeps every request from now on, for {@link #writeSamples} ({@code bench --samples}). */
    public synchronized void keepSamples() {
        if (samples == null) {
            samples = new ArrayList<>();
        }
    }

    /** Records a request that ended with a response (any status), timed from its issue. */
    public void record(Http3Result r) {
        record(r, r.ttfbNanos(), r.totalNanos());
    }

    /**
     * Records a request that ended with a response, with its time to first byte and completion
     * time measured from another origin (open loop: the scheduled arrival time).
     */
    public synchronized void record(Http3Result r, long ttfbNanos, long totalNanos) {
        requests++;
        int status = r.response().status();
        statuses.merge(status, 1L, Long::sum);
        if (status < 400) {
            succeeded++;
        } else {
            failed++;
        }
        bodyBytes += r.bodyBytes();
        ttfbMicros.recordValue(toMicros(ttfbNanos));
        latencyMicros.recordValue(toMicros(totalNanos));
        if (samples != null) {
            samples.add(new Sample(System.nanoTime(), status, r.bodyBytes(), ttfbNanos, totalNanos,
                    r.response().header("x-served-by"), null));
        }
    }

    /** Records a request that ended without a response (reset, timeout, connection failure). */
    public synchronized void recordFailure(String why) {
        requests++;
        failed++;
        if (firstError == null) {
            firstError = why;
        }
        if (samples != null) {
            samples.add(new Sample(System.nanoTime(), 0, 0, -1, -1, null, why));
        }
    }

    /** Records an arrival that was not issued because every stream was busy (open loop). */
    public synchronized void recordDropped() {
        dropped++;
    }

    /**
     * Writes the kept requests as CSV, one line each in completion order: seconds since the first
     * completion, status, body bytes, TTFB and completion time in ms, server, error.
     */
    public synchronized void writeSamples(Writer out) throws IOException {
        out.write("end_s,status,body_bytes,ttfb_ms,latency_ms,served_by,error\n");
        if (samples == null || samples.isEmpty()) {
            return;
        }
        long first = samples.get(0).endNanos();
        for (Sample x : samples) {
            out.write(String.format(Locale.ROOT, "%.6f,%d,%d,%s,%s,%s,%s%n", (x.endNanos() - first) / 1e9, x.status(),
                    x.bodyBytes(), millis(x.ttfbNanos()), millis(x.totalNanos()), csv(x.servedBy()), csv(x.error())));
        }
    }

    private static String millis(long nanos) {
        return nanos < 0 ? "" : String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    private static String csv(String v) {
        if (v == null) {
            return "";
        }
        return v.matches("[^,\"\r\n]*") ? v : "\"" + v.replace("\"", "\"\"").replaceAll("[\r\n]", " ") + "\"";
    }

    private static long toMicros(long nanos) {
        return Math.max(1, nanos / 1000);
    }

    /**
     * An immutable copy for reporting; {@code elapsedNanos} is the wall time of the run,
     * {@code offeredRate} the open-loop arrival rate (0: closed loop).
     */
    public synchronized BenchSummary summary(long elapsedNanos, double offeredRate) {
        return new BenchSummary(requests, succeeded, failed, dropped, bodyBytes, elapsedNanos, offeredRate,
                new TreeMap<>(statuses), BenchSummary.Percentiles.of(ttfbMicros),
                BenchSummary.Percentiles.of(latencyMicros), firstError);
    }
}
