package org.qdsr.quic.connection;

import java.util.Arrays;
import java.util.List;
import org.qdsr.quic.wire.AckRange;

/**
 * What the client acknowledges on this connection's exported paths (QDSR isolated mode), from
 * the PATH_ACKs it sends the load balancer, in packets per smoothed round trip. Two estimates:
 * <ul>
 * <li>{@link #packetsPerRoundTrip()}: the most packets acknowledged, over all paths other senders
 * use, within one round trip so far. A newly exported path starts its congestion window there
 * ({@code ConnectionSnapshot.congestionWindow}) instead of at the initial window: every path of
 * the connection ends at the same client, so a second real server need not slow-start from ten
 * packets what the first one already delivered — the resumption of a window validated on the
 * same connection, in the spirit of RFC 9002 §7.8's reference to RFC 7661 (the receiver, its
 * access link and the RTT are the same; the first hops differ). Idle time only lowers a sample,
 * and the estimate is the largest.</li>
 * <li>{@link #currentPacketsPerRoundTrip}: what the exported paths deliver per round trip now,
 * summed over the paths acknowledged within the last {@value #ACTIVE_ROUND_TRIPS} round trips. This stands in for the window W of the real servers' senders when the load balancer asks
 * the client for an ACK frequency (draft-ietf-quic-ack-frequency-14 §8.1: the threshold follows
 * the sender's congestion window, which a loss shrinks). The all-time largest must not: after the
 * first response's slow start it stays far above a window that losses keep small, and the client,
 * asked for one ACK per third of a window the senders no longer have, acknowledged mostly when its
 * max_ack_delay timer fired, holding back every sender's ACK clock (RFC 9002 §7.7 paces what the
 * ACKs release). The sum, not one path's share: the Ack-Eliciting Threshold counts per
 * packet-number space, but an ACK datagram carries a PATH_ACK for every path that owes one (as
 * ours does, draft-ietf-quic-multipath-21 §4.1 allows acknowledging any path on any path), so each
 * sender sees every ACK the client sends. With N equally busy paths and the threshold at a third
 * of the sum, each path triggers an ACK every 3N-th of a round trip: about three ACK datagrams
 * per round trip in all, each acknowledging every path. A per-path estimate would multiply the
 * client's ACK rate by N (measured with two real servers: 30-45 % more datagrams at the LB).</li>
 * </ul>
 *
 * <p>Counts progress of each path's largest acknowledged packet number (the senders number
 * densely from the snapshot's start), so a sample costs a scan of the few exported path IDs and
 * no allocation per PATH_ACK. Samples span at least one smoothed RTT.
 */
final class ExportedPathDelivery {
    /** A path counts for the current estimate while its last PATH_ACK is at most this many smoothed RTTs old. */
    static final int ACTIVE_ROUND_TRIPS = 2;

    /** Exported path IDs and the largest packet number acknowledged on each (parallel, first {@code paths}). */
    private long[] pathIds = new long[4];
    private long[] largestAcked = new long[4];
    /** Per path: last PATH_ACK time, start of the open sample and packets acknowledged in it, latest sample. */
    private long[] lastAckAt = new long[4];
    private long[] pathWindowStart = new long[4];
    private long[] pathWindowDelivered = new long[4];
    private long[] pathSample = new long[4];
    private int paths;
    private long delivered;
    private long windowStart = Long.MIN_VALUE;
    private long deliveredAtWindowStart;
    private long bestPerRtt;

    /** A PATH_ACK for exported path {@code pathId} (ranges largest first) arrived at {@code now}. */
    void onPathAck(long pathId, List<AckRange> ranges, long smoothedRtt, long now) {
        if (ranges.isEmpty()) {
            return;
        }
        long largest = ranges.get(0).largest();
        int i = indexOf(pathId, now);
        long progress = Math.max(0, largest - largestAcked[i]);
        largestAcked[i] = Math.max(largestAcked[i], largest);
        delivered += progress;
        onPathProgress(i, progress, smoothedRtt, now);
        if (windowStart == Long.MIN_VALUE) {
            // the first ACK closes no window: what it acknowledges was sent before any sample started
            windowStart = now;
            deliveredAtWindowStart = delivered;
            return;
        }
        long elapsed = now - windowStart;
        if (smoothedRtt > 0 && elapsed >= smoothedRtt) {
            bestPerRtt = Math.max(bestPerRtt, perRoundTrip(delivered - deliveredAtWindowStart, smoothedRtt, elapsed));
            windowStart = now;
            deliveredAtWindowStart = delivered;
        }
    }

    /**
     * Path {@code i}'s own sample. A path quiet for {@value #ACTIVE_ROUND_TRIPS} round trips (its
     * sender had nothing to send) starts a new sample: one spanning the pause would measure the
     * application, not the window; its last sample stays (a real server keeps its window
     * between responses).
     */
    private void onPathProgress(int i, long progress, long smoothedRtt, long now) {
        boolean quiet = now - lastAckAt[i] > ACTIVE_ROUND_TRIPS * smoothedRtt;
        lastAckAt[i] = now;
        if (quiet) {
            pathWindowStart[i] = now; // what this ACK acknowledges was sent before the sample started
            pathWindowDelivered[i] = 0;
            return;
        }
        pathWindowDelivered[i] += progress;
        long elapsed = now - pathWindowStart[i];
        if (smoothedRtt > 0 && elapsed >= smoothedRtt) {
            pathSample[i] = perRoundTrip(pathWindowDelivered[i], smoothedRtt, elapsed);
            pathWindowStart[i] = now;
            pathWindowDelivered[i] = 0;
        }
    }

    private static long perRoundTrip(long packets, long smoothedRtt, long elapsed) {
        return (long) ((double) packets * smoothedRtt / elapsed);
    }

    /** The most packets acknowledged within one round trip so far, over all exported paths; 0 before a full sample. */
    long packetsPerRoundTrip() {
        return bestPerRtt;
    }

    /**
     * Packets the exported paths deliver per round trip now: the sum over the paths with a
     * PATH_ACK in the last {@value #ACTIVE_ROUND_TRIPS} smoothed RTTs of the larger of each one's
     * latest sample and what its open sample counted so far (a lower bound while the window
     * grows); 0 if none.
     */
    long currentPacketsPerRoundTrip(long now, long smoothedRtt) {
        long sum = 0;
        for (int i = 0; i < paths; i++) {
            if (now - lastAckAt[i] <= ACTIVE_ROUND_TRIPS * smoothedRtt) {
                sum += Math.max(pathSample[i], pathWindowDelivered[i]);
            }
        }
        return sum;
    }

    /** The slot of {@code pathId}, added (nothing acknowledged yet: -1, quiet) if new. */
    private int indexOf(long pathId, long now) {
        for (int i = 0; i < paths; i++) {
            if (pathIds[i] == pathId) {
                return i;
            }
        }
        if (paths == pathIds.length) {
            int n = paths * 2;
            pathIds = Arrays.copyOf(pathIds, n);
            largestAcked = Arrays.copyOf(largestAcked, n);
            lastAckAt = Arrays.copyOf(lastAckAt, n);
            pathWindowStart = Arrays.copyOf(pathWindowStart, n);
            pathWindowDelivered = Arrays.copyOf(pathWindowDelivered, n);
            pathSample = Arrays.copyOf(pathSample, n);
        }
        pathIds[paths] = pathId;
        largestAcked[paths] = -1;
        lastAckAt[paths] = Long.MIN_VALUE / 2; // quiet: the first ACK starts the path's first sample
        return paths++;
    }
}
