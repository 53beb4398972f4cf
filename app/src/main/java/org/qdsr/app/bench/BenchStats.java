package org.qdsr.app.bench;

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
    }

    /** Records a request that ended without a response (reset, timeout, connection failure). */
    public synchronized void recordFailure(String why) {
        requests++;
        failed++;
        if (firstError == null) {
            firstError = why;
        }
    }

    /** Records an arrival that was not issued because every stream was busy (open loop). */
    public synchronized void recordDropped() {
        dropped++;
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
