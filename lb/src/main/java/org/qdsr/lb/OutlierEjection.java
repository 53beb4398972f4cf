package org.qdsr.lb;

import java.util.ArrayList;
import java.util.List;
import org.qdsr.control.message.ControlMessage;
import org.qdsr.control.message.ProxyHead;
import org.qdsr.control.message.StreamReady;
import org.qdsr.control.message.StreamReport;

/**
 * Passive health checking: a backend that refuses {@value #REFUSALS} requests in a row (its
 * origin unreachable, or overloaded) takes no new requests for a while, so that clients stop
 * paying a refusal and a retry for every request routed there. The first ejection lasts
 * {@link #BASE_NANOS}, each further one in a row twice as long, up to {@link #MAX_NANOS}; then the
 * backend is routable again and the next requests probe it. A response it serves (a FINISHED
 * report, a proxied head, an instructed stream's first bytes) ends the streak. The last routable
 * backend is never ejected: refusing is then all that can happen, and the requests are retried or
 * rejected as before. Loop thread; time in nanoseconds.
 */
final class OutlierEjection {
    static final int REFUSALS = 5;
    static final long BASE_NANOS = 10_000_000_000L;
    static final long MAX_NANOS = 300_000_000_000L;
    private static final System.Logger LOG = System.getLogger(OutlierEjection.class.getName());

    private final List<Backend> ejected = new ArrayList<>();
    private final LbMetrics metrics;

    OutlierEjection(LbMetrics metrics) {
        this.metrics = metrics;
    }

    /** Watches what {@code b} said; {@code all}: every backend (the last routable one is never ejected). */
    void onMessage(Backend b, ControlMessage m, List<Backend> all, long now) {
        if (m instanceof StreamReport r && r.outcome() == StreamReport.Outcome.REJECTED) {
            if (b.onRefused() >= REFUSALS && !b.ejected() && anotherRoutable(b, all)) {
                long until = b.eject(now, BASE_NANOS, MAX_NANOS);
                ejected.add(b);
                metrics.backendEjections++;
                LOG.log(System.Logger.Level.WARNING, "backend {0} refused {1} requests in a row: no new requests for"
                        + " {2} s (its origin down, or overloaded?)", b.name(), REFUSALS, (until - now) / 1_000_000_000L);
            }
        } else if (m instanceof StreamReport r && r.outcome() == StreamReport.Outcome.FINISHED
                || m instanceof ProxyHead || m instanceof StreamReady) {
            b.onServed();
        }
    }

    private static boolean anotherRoutable(Backend b, List<Backend> all) {
        for (Backend o : all) {
            if (o != b && o.routable()) {
                return true;
            }
        }
        return false;
    }

    /** When the earliest ejection ends; {@link Long#MAX_VALUE} if none. */
    long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (Backend b : ejected) {
            next = Math.min(next, b.ejectedUntil());
        }
        return next;
    }

    /** Ends the ejections that are over by {@code now}. */
    void onDeadline(long now) {
        ejected.removeIf(b -> {
            if (b.ejectedUntil() > now) {
                return false;
            }
            b.endEjection();
            LOG.log(System.Logger.Level.INFO, "backend {0}: ejection over, taking requests again", b.name());
            return true;
        });
    }

    /** Forgets a backend removed from the configuration. */
    void forget(Backend b) {
        ejected.remove(b);
    }
}
