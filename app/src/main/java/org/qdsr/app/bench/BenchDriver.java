package org.qdsr.app.bench;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.qdsr.app.net.Http3Client;
import org.qdsr.http3.session.BodySink;

/**
 * Keeps {@code streams} GET requests in flight on each connection, cycling through the targets,
 * until the request budget is used up or the deadline passed. Each finished request immediately
 * starts the next one on its slot (closed loop, like h2load).
 */
public final class BenchDriver {
    /** What to request: the :authority and :path of one URL. */
    public record Target(String authority, String path) {
    }

    private final List<Http3Client.Connection> connections;
    private final RequestPlan plan;
    private final int streams;
    private final long maxRequests;
    private final long durationNanos;
    private final long timeoutNanos;
    private final BenchStats stats = new BenchStats();
    private final AtomicLong issued = new AtomicLong();
    private volatile long deadline;
    private CountDownLatch slotsDone;

    /**
     * @param maxRequests   total requests to complete, or 0 to run for {@code durationNanos}
     * @param timeoutNanos  a request not finished after this long counts as failed
     */
    public BenchDriver(List<Http3Client.Connection> connections, RequestPlan plan, int streams,
                       long maxRequests, long durationNanos, long timeoutNanos) {
        this.connections = List.copyOf(connections);
        this.plan = plan;
        this.streams = streams;
        this.maxRequests = maxRequests;
        this.durationNanos = durationNanos;
        this.timeoutNanos = timeoutNanos;
    }

    /** The tallies this run records into (e.g. to {@link BenchStats#keepSamples} before {@link #run}). */
    public BenchStats stats() {
        return stats;
    }

    /** Runs the benchmark to the end and summarises it. */
    public BenchSummary run() throws InterruptedException {
        slotsDone = new CountDownLatch(connections.size() * streams);
        long start = System.nanoTime();
        deadline = start + durationNanos;
        for (Http3Client.Connection c : connections) {
            for (int s = 0; s < streams; s++) {
                next(c);
            }
        }
        slotsDone.await();
        return stats.summary(System.nanoTime() - start, 0);
    }

    /** Issues the next request on a slot of {@code c}, or retires the slot when the run is over. */
    private void next(Http3Client.Connection c) {
        long n = issued.getAndIncrement();
        boolean over = maxRequests > 0 ? n >= maxRequests : System.nanoTime() - deadline >= 0;
        if (over) {
            slotsDone.countDown();
            return;
        }
        Target t = plan.target(n);
        c.request("GET", t.authority(), t.path(), List.of(), null, BodySink.DISCARD)
                .orTimeout(timeoutNanos, TimeUnit.NANOSECONDS)
                .whenComplete((r, e) -> {
                    if (e == null) {
                        stats.record(r);
                    } else {
                        stats.recordFailure(describe(e));
                    }
                    next(c);
                });
    }

    /**
     * Sends one unrecorded GET of {@code t} on every connection and waits for all responses, so
     * handshakes are not part of the measurement ({@code --warmup}).
     *
     * @return null when every connection answered, else why one did not
     */
    public static String warmUp(List<Http3Client.Connection> connections, Target t, long timeoutNanos)
            throws InterruptedException {
        List<java.util.concurrent.CompletableFuture<?>> all = new java.util.ArrayList<>();
        for (Http3Client.Connection c : connections) {
            all.add(c.request("GET", t.authority(), t.path(), List.of(), null, BodySink.DISCARD)
                    .orTimeout(timeoutNanos, TimeUnit.NANOSECONDS));
        }
        for (java.util.concurrent.CompletableFuture<?> f : all) {
            try {
                f.join();
            } catch (CompletionException e) {
                return describe(e);
            }
        }
        return null;
    }

    static String describe(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof TimeoutException) {
            return "timed out";
        }
        String m = cause.getMessage();
        return m == null || m.isBlank() ? cause.getClass().getSimpleName() : m;
    }
}
