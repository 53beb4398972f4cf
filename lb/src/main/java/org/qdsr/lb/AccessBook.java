package org.qdsr.lb;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import org.qdsr.control.message.StreamReport;

/**
 * The load balancer's access log, core side: where entries go ({@link LbAccessLog}), and the
 * entries of connections that closed before their real server's last report, which usually
 * follows (the client closes once it has the body, before its last ACK reached the server).
 * Those wait here at most {@link #LATE_TIMEOUT_NANOS} and {@link #MAX_LATE} of them; then they
 * are written as {@code closed} without the report. Loop thread only.
 */
final class AccessBook {
    static final int MAX_LATE = 16_384;
    static final long LATE_TIMEOUT_NANOS = 10_000_000_000L;
    private static final System.Logger LOG = System.getLogger(AccessBook.class.getName());

    /** A request the LB is handling, until its line is written. */
    static final class Pending {
        final long key;
        final long streamId;
        final InetSocketAddress client;
        final String method;
        final String authority;
        final String path;
        final long start;
        String mode = "local";
        Backend backend;
        int status;
        long bytes;
        String reason = "-";
        ProxyBody body;
        long closedAt;

        Pending(long key, long streamId, InetSocketAddress client, String method, String authority, String path,
                long start) {
            this.key = key;
            this.streamId = streamId;
            this.client = client;
            this.method = method;
            this.authority = authority;
            this.path = path;
            this.start = start;
        }

        boolean handedOff() {
            return mode.equals("isolated") || mode.equals("instructed");
        }
    }

    private record LateKey(long connection, long stream) {
    }

    private LbAccessLog sink = LbAccessLog.NONE;
    private final LinkedHashMap<LateKey, Pending> late = new LinkedHashMap<>();
    private long failures;

    void setSink(LbAccessLog log) {
        sink = log == null ? LbAccessLog.NONE : log;
    }

    boolean enabled() {
        return sink != LbAccessLog.NONE;
    }

    /** Entries the sink threw on (dropped). */
    long failures() {
        return failures;
    }

    /** The tracker of a new connection (one that tracks nothing while no log is set). */
    StreamLog forConnection(long key) {
        return enabled() ? new StreamLog(this, key) : StreamLog.OFF;
    }

    /** Writes {@code p}'s line; never throws. */
    void write(Pending p, String outcome, long end) {
        String backend = p.backend == null ? "-" : p.backend.name();
        try {
            sink.log(new LbAccessLog.Entry(p.key, p.streamId, p.client, p.method, p.authority, p.path, p.mode,
                    backend, p.status, p.bytes, outcome, p.reason, Math.max(0, end - p.start)));
        } catch (RuntimeException e) {
            if (failures++ == 0) {
                LOG.log(System.Logger.Level.WARNING, "access log failed (further failures not shown): " + e);
            }
        }
    }

    /** A closed connection's handed-off stream: its line waits for the backend's report. */
    void awaitReport(Pending p, long now) {
        p.closedAt = now;
        late.put(new LateKey(p.key, p.streamId), p);
        expire(now);
    }

    /**
     * A backend's report for a connection that is gone: FINISHED if the client acknowledged the
     * whole response in time, {@code sent} if the backend had sent all of it (FIN included), else
     * {@code closed} with what the backend sent.
     */
    void lateReport(Backend from, StreamReport r, long now) {
        if (late.isEmpty()) {
            return;
        }
        LateKey k = new LateKey(r.connectionKey(), r.streamId());
        Pending p = late.get(k);
        if (p != null && p.backend == from) {
            late.remove(k);
            StreamLog.apply(p, r);
            boolean finished = r.outcome() == StreamReport.Outcome.FINISHED;
            if (finished) {
                p.reason = "-"; // acknowledged before the close: the close cut nothing
            }
            write(p, finished ? "finished" : r.finSent() ? "sent" : "closed", now);
        }
        expire(now);
    }

    /** A backend's channel went down: no report of it will come. */
    void backendDown(Backend b, long now) {
        List<Pending> gone = new ArrayList<>();
        late.values().removeIf(p -> p.backend == b && gone.add(p));
        for (Pending p : gone) {
            write(p, "closed", p.closedAt);
        }
    }

    /** Writes what still waits (the LB stops). */
    void flush() {
        expireOlder(true, 0);
    }

    private void expire(long now) {
        expireOlder(false, now);
    }

    private void expireOlder(boolean all, long now) {
        for (Iterator<Pending> it = late.values().iterator(); it.hasNext();) {
            Pending p = it.next();
            if (!all && late.size() <= MAX_LATE && now - p.closedAt < LATE_TIMEOUT_NANOS) {
                return; // insertion order: the rest are younger
            }
            it.remove();
            write(p, "closed", p.closedAt);
        }
    }

    int waiting() {
        return late.size();
    }
}
