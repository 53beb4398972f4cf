package org.qdsr.app.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.qdsr.app.net.Http3Client;
import org.qdsr.http3.session.BodySink;

/**
 * Open-loop driver ({@code qdsr bench --rate}): one scheduler thread issues request k at
 * {@code start + schedule.next()} whether or not earlier requests finished, on the next
 * connection (round robin) with a free stream slot; if all {@code connections x streams} slots are
 * busy the arrival is counted as dropped and not issued. Times to first byte and completion are
 * measured from the SCHEDULED arrival, not from the moment the request could be sent, so a
 * scheduler running late or a slow server shows up in the latencies (no coordinated omission).
 * The run ends after {@code maxRequests} arrivals (issued or dropped) or when arrivals reach
 * {@code durationNanos}; then it waits for the issued requests to finish.
 */
public final class OpenLoopDriver {
    private final List<Http3Client.Connection> connections;
    private final RequestPlan plan;
    private final int streams;
    private final ArrivalSchedule schedule;
    private final double rate;
    private final long maxRequests;
    private final long durationNanos;
    private final long timeoutNanos;
    private final BenchStats stats = new BenchStats();
    private final AtomicInteger[] busy;
    private final Object idle = new Object();
    private int outstanding;
    private int nextConnection;

    /**
     * @param rate          the schedule's rate (reported as offered_req_per_s)
     * @param maxRequests   arrivals to schedule, or 0 to schedule for {@code durationNanos}
     */
    public OpenLoopDriver(List<Http3Client.Connection> connections, RequestPlan plan, int streams,
                          ArrivalSchedule schedule, double rate, long maxRequests, long durationNanos,
                          long timeoutNanos) {
        this.connections = List.copyOf(connections);
        this.plan = plan;
        this.streams = streams;
        this.schedule = schedule;
        this.rate = rate;
        this.maxRequests = maxRequests;
        this.durationNanos = durationNanos;
        this.timeoutNanos = timeoutNanos;
        this.busy = new AtomicInteger[connections.size()];
        for (int i = 0; i < busy.length; i++) {
            busy[i] = new AtomicInteger();
        }
    }

    /** The tallies this run records into (e.g. to {@link BenchStats#keepSamples} before {@link #run}). */
    public BenchStats stats() {
        return stats;
    }

    /** Runs the schedule on the calling thread, waits for the last response, summarises. */
    public BenchSummary run() throws InterruptedException {
        long start = System.nanoTime();
        for (long n = 0; ; n++) {
            long offset = schedule.next();
            if (maxRequests > 0 ? n >= maxRequests : offset >= durationNanos) {
                break;
            }
            long at = start + offset;
            sleepUntil(at);
            int c = acquireSlot();
            if (c < 0) {
                stats.recordDropped();
            } else {
                issue(c, plan.target(n), at);
            }
        }
        synchronized (idle) {
            while (outstanding > 0) {
                idle.wait();
            }
        }
        return stats.summary(System.nanoTime() - start, rate);
    }

    private static void sleepUntil(long at) throws InterruptedException {
        for (long left = at - System.nanoTime(); left > 0; left = at - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    /** A connection index whose in-flight count was below {@code streams} (now incremented), or -1. */
    private int acquireSlot() {
        for (int i = 0; i < busy.length; i++) {
            int c = (nextConnection + i) % busy.length;
            AtomicInteger b = busy[c];
            for (int v = b.get(); v < streams; v = b.get()) {
                if (b.compareAndSet(v, v + 1)) {
                    nextConnection = (c + 1) % busy.length;
                    return c;
                }
            }
        }
        return -1;
    }

    private void issue(int c, BenchDriver.Target t, long scheduled) {
        synchronized (idle) {
            outstanding++;
        }
        connections.get(c).request("GET", t.authority(), t.path(), List.of(), null, BodySink.DISCARD)
                .orTimeout(timeoutNanos, TimeUnit.NANOSECONDS)
                .whenComplete((r, e) -> {
                    long now = System.nanoTime();
                    busy[c].decrementAndGet();
                    if (e == null) {
                        long issuedAt = now - r.totalNanos();
                        stats.record(r, issuedAt + r.ttfbNanos() - scheduled, now - scheduled);
                    } else {
                        stats.recordFailure(BenchDriver.describe(e));
                    }
                    synchronized (idle) {
                        if (--outstanding == 0) {
                            idle.notifyAll();
                        }
                    }
                });
    }
}
