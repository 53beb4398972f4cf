package org.qdsr.quic.connection;

import java.util.Arrays;
import java.util.List;
import org.qdsr.quic.wire.AckRange;

/**
 * What the client showed it can take on this connection's exported paths (QDSR isolated mode):
 * the most packets it acknowledged, over all paths other senders use, within one smoothed round
 * trip. A newly exported path starts its congestion window there ({@code
 * ConnectionSnapshot.congestionWindow}) instead of at the initial window: every path of the
 * connection ends at the same client, so a second real server need not slow-start from ten
 * packets what the first one already delivered — the resumption of a window validated on the
 * same connection, in the spirit of RFC 9002 §7.8's reference to RFC 7661 (the receiver, its
 * access link and the RTT are the same; the first hops differ).
 *
 * <p>Counts progress of each path's largest acknowledged packet number (the senders number
 * densely from the snapshot's start), so a sample costs a scan of the few exported path IDs and
 * no allocation per PATH_ACK. Samples
 * span at least one smoothed RTT; idle time only lowers a sample, and the estimate is the largest.
 */
final class ExportedPathDelivery {
    /** Exported path IDs and the largest packet number acknowledged on each (parallel, first {@code paths}). */
    private long[] pathIds = new long[4];
    private long[] largestAcked = new long[4];
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
        int i = indexOf(pathId);
        if (largest > largestAcked[i]) {
            delivered += largest - largestAcked[i];
            largestAcked[i] = largest;
        }
        if (windowStart == Long.MIN_VALUE) {
            // the first ACK closes no window: what it acknowledges was sent before any sample started
            windowStart = now;
            deliveredAtWindowStart = delivered;
            return;
        }
        long elapsed = now - windowStart;
        if (smoothedRtt > 0 && elapsed >= smoothedRtt) {
            long perRtt = (long) ((double) (delivered - deliveredAtWindowStart) * smoothedRtt / elapsed);
            bestPerRtt = Math.max(bestPerRtt, perRtt);
            windowStart = now;
            deliveredAtWindowStart = delivered;
        }
    }

    /** The most packets acknowledged within one round trip so far; 0 before a full sample. */
    long packetsPerRoundTrip() {
        return bestPerRtt;
    }

    /** The slot of {@code pathId}, added (nothing acknowledged yet: -1) if new. */
    private int indexOf(long pathId) {
        for (int i = 0; i < paths; i++) {
            if (pathIds[i] == pathId) {
                return i;
            }
        }
        if (paths == pathIds.length) {
            pathIds = Arrays.copyOf(pathIds, paths * 2);
            largestAcked = Arrays.copyOf(largestAcked, paths * 2);
        }
        pathIds[paths] = pathId;
        largestAcked[paths] = -1;
        return paths++;
    }
}
