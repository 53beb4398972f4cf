package org.qdsr.quic.recovery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.qdsr.quic.wire.AckRange;

/**
 * Received packet numbers of one packet-number space and the ACK policy (RFC 9000 §13.2).
 *
 * <p>Ranges are kept ascending in two long arrays, capped at {@code maxRanges} (the oldest range
 * is dropped). Packet numbers below {@link #floor()} (dropped or pruned after an ACK of an ACK,
 * §13.2.4) are reported as duplicates. An ACK is wanted immediately for every
 * {@code ackElicitingThreshold}-th ack-eliciting packet, for out-of-order arrival (§13.2.1), or
 * always when {@code maxAckDelay} is 0 (use 0 for Initial and Handshake spaces); otherwise within
 * max_ack_delay. Times are nanoseconds.
 *
 * <p>ACK decimation (optional, {@link #decimating}): RFC 9000 §13.2.2 only says a receiver SHOULD
 * acknowledge every second ack-eliciting packet; draft-ietf-quic-ack-frequency is the standard way
 * for a sender to ask for fewer ACKs, and production stacks decimate unilaterally. After
 * {@code decimationWarmup} ack-eliciting packets (so slow start is not starved of ACKs), an ACK is
 * wanted every {@code decimationThreshold}-th ack-eliciting packet, or once min(max_ack_delay,
 * smoothed_rtt / {@value #DECIMATION_RTT_DIVISOR}) elapsed since the first unacknowledged one,
 * whichever comes first; out-of-order arrivals are still acknowledged at once (§13.2.1).
 *
 * <p>Peer-requested policy ({@link #applyAckFrequency}, draft-ietf-quic-ack-frequency-14 §4,
 * §6): once the peer sent ACK_FREQUENCY, decimation is off and an ACK is wanted after more than
 * the requested Ack-Eliciting Threshold ack-eliciting packets, within the requested max_ack_delay,
 * for reordering per the Reordering Threshold (§6.2: 0 never, 1 any gap as in RFC 9000 §13.2.1,
 * larger values once a missing packet could be declared lost by a sender using that packet
 * threshold, or for a packet the sender has already declared lost), and soon after a packet
 * that arrives more than one smoothed RTT after the last ACK (§6.1). {@link #ackImmediately}
 * answers IMMEDIATE_ACK (§5).
 */
public final class ReceivedPacketTracker {
    public static final int DEFAULT_ACK_ELICITING_THRESHOLD = 2;
    public static final int DEFAULT_MAX_RANGES = 256;
    /** Ack-eliciting packets acknowledged normally before decimation starts. */
    public static final long DECIMATION_WARMUP = 100;
    /** With decimation: an ACK every this many ack-eliciting packets. */
    public static final int DECIMATION_THRESHOLD = 10;
    /** With decimation: the ACK timer is at most smoothed_rtt divided by this. */
    public static final int DECIMATION_RTT_DIVISOR = 4;

    private long maxAckDelay;
    private final int ackElicitingThreshold;
    private final int maxRanges;
    private final long decimationWarmup;
    private final int decimationThreshold;
    private long ackElicitingReceived;
    private long[] lo = new long[8];
    private long[] hi = new long[8];
    private int n;
    private long floor;
    private long largestReceived = -1;
    private long largestReceivedTime;
    private int unackedAckEliciting;
    private long ackDeadline = Long.MAX_VALUE;
    /** Set by {@link #applyAckFrequency}: the peer's policy replaces the defaults and decimation. */
    private boolean peerPolicy;
    private long peerThreshold;
    private long reorderingThreshold = 1;
    /** "Largest Unacked" of draft-ietf-quic-ack-frequency-14 §6.2: largest ack-eliciting packet received. */
    private long largestAckEliciting = -1;
    /** "Largest Acked" of §6.2: the Largest Acknowledged of the last ACK sent. */
    private long largestAckSent = -1;
    private long firstUnackedTime;
    private long lastAckSentTime = Long.MIN_VALUE;

    /** {@code maxAckDelayNanos} is this endpoint's own max_ack_delay (0 = acknowledge immediately). */
    public ReceivedPacketTracker(long maxAckDelayNanos) {
        this(maxAckDelayNanos, DEFAULT_ACK_ELICITING_THRESHOLD, DEFAULT_MAX_RANGES);
    }

    public ReceivedPacketTracker(long maxAckDelayNanos, int ackElicitingThreshold, int maxRanges) {
        this(maxAckDelayNanos, ackElicitingThreshold, maxRanges, Long.MAX_VALUE, ackElicitingThreshold);
    }

    /**
     * With ACK decimation: after {@code decimationWarmup} ack-eliciting packets the threshold
     * becomes {@code decimationThreshold} and the timer is capped by a fraction of the smoothed RTT.
     */
    public ReceivedPacketTracker(long maxAckDelayNanos, int ackElicitingThreshold, int maxRanges,
                                 long decimationWarmup, int decimationThreshold) {
        if (ackElicitingThreshold < 1 || maxRanges < 1 || decimationThreshold < 1 || decimationWarmup < 0) {
            throw new IllegalArgumentException("thresholds and maxRanges must be positive");
        }
        this.maxAckDelay = maxAckDelayNanos;
        this.ackElicitingThreshold = ackElicitingThreshold;
        this.maxRanges = maxRanges;
        this.decimationWarmup = decimationWarmup;
        this.decimationThreshold = decimationThreshold;
    }

    /** An application-space tracker with the standard decimation settings (see the class comment). */
    public static ReceivedPacketTracker decimating(long maxAckDelayNanos) {
        return new ReceivedPacketTracker(maxAckDelayNanos, DEFAULT_ACK_ELICITING_THRESHOLD, DEFAULT_MAX_RANGES,
                DECIMATION_WARMUP, DECIMATION_THRESHOLD);
    }

    /** True once the warm-up is over and ACKs are decimated (never after the peer set a policy). */
    public boolean decimationActive() {
        return !peerPolicy && ackElicitingReceived >= decimationWarmup;
    }

    /** True if {@code pn} was already received or lies below the tracked window. */
    public boolean isDuplicate(long pn) {
        if (pn < floor) {
            return true;
        }
        int i = rangeAtOrBelow(pn);
        return i >= 0 && pn <= hi[i];
    }

    /** Records a successfully processed packet (duplicates are ignored) and updates the ACK timer. */
    public void onPacketReceived(long pn, boolean ackEliciting, long now) {
        onPacketReceived(pn, ackEliciting, now, Long.MAX_VALUE);
    }

    /**
     * As {@link #onPacketReceived(long, boolean, long)}, with the connection's smoothed RTT, which
     * caps the ACK timer while decimating.
     */
    public void onPacketReceived(long pn, boolean ackEliciting, long now, long smoothedRttNanos) {
        if (isDuplicate(pn)) {
            return;
        }
        boolean outOfOrder = largestReceived >= 0 && (pn < largestReceived || pn > largestReceived + 1);
        insert(pn);
        if (pn > largestReceived) {
            largestReceived = pn;
            largestReceivedTime = now;
        }
        if (!ackEliciting) {
            return;
        }
        boolean decimate = decimationActive();
        ackElicitingReceived++;
        unackedAckEliciting++;
        largestAckEliciting = Math.max(largestAckEliciting, pn);
        if (ackDeadline == Long.MAX_VALUE) {
            long delay = decimate ? Math.min(maxAckDelay, smoothedRttNanos / DECIMATION_RTT_DIVISOR) : maxAckDelay;
            firstUnackedTime = now;
            ackDeadline = now + delay;
        }
        if (peerPolicy ? peerPolicyWantsAck(pn, outOfOrder, now, smoothedRttNanos)
                : outOfOrder || unackedAckEliciting >= (decimate ? decimationThreshold : ackElicitingThreshold)) {
            ackDeadline = Math.min(ackDeadline, now);
        }
    }

    /** draft-ietf-quic-ack-frequency-14 §6, §6.1, §6.2 for an ack-eliciting packet {@code pn}. */
    private boolean peerPolicyWantsAck(long pn, boolean outOfOrder, long now, long smoothedRttNanos) {
        if (unackedAckEliciting > peerThreshold) {
            return true;
        }
        if (lastAckSentTime != Long.MIN_VALUE && smoothedRttNanos != Long.MAX_VALUE
                && now - lastAckSentTime > smoothedRttNanos) {
            return true; // §6.1: fresh feedback after an idle period
        }
        if (reorderingThreshold == 0) {
            return false;
        }
        if (reorderingThreshold == 1) {
            return outOfOrder;
        }
        if (largestAckSent >= 0 && pn <= largestAckSent - reorderingThreshold) {
            return true; // the sender has probably declared it lost already: let it see the spurious loss
        }
        long missing = smallestMissingAbove(largestAckSent >= 0 ? largestAckSent - reorderingThreshold : -1);
        return missing < largestAckEliciting && largestAckEliciting - missing >= reorderingThreshold;
    }

    /**
     * The smallest packet number above {@code bound} (and not below the lowest one tracked) that
     * has not been received: §6.2's smallest "Unreported Missing" when less than the largest.
     */
    private long smallestMissingAbove(long bound) {
        long candidate = Math.max(bound + 1, lo[0]);
        int i = rangeAtOrBelow(candidate);
        return i >= 0 && candidate <= hi[i] ? hi[i] + 1 : candidate;
    }

    /**
     * Applies an ACK_FREQUENCY frame the peer sent (draft-ietf-quic-ack-frequency-14 §4, §6):
     * acknowledge after more than {@code ackElicitingThreshold} ack-eliciting packets, within
     * {@code maxAckDelayNanos}, and for reordering per {@code reorderingThreshold}. Replaces the
     * defaults and decimation for the rest of the connection; an ACK already owed is re-timed.
     */
    public void applyAckFrequency(long ackElicitingThreshold, long maxAckDelayNanos, long reorderingThreshold) {
        if (ackElicitingThreshold < 0 || maxAckDelayNanos < 0 || reorderingThreshold < 0) {
            throw new IllegalArgumentException("negative ACK frequency parameter");
        }
        peerPolicy = true;
        peerThreshold = ackElicitingThreshold;
        maxAckDelay = maxAckDelayNanos;
        this.reorderingThreshold = reorderingThreshold;
        if (ackDeadline != Long.MAX_VALUE) {
            ackDeadline = Math.min(ackDeadline, firstUnackedTime + maxAckDelayNanos);
            if (unackedAckEliciting > peerThreshold) {
                ackDeadline = Math.min(ackDeadline, firstUnackedTime);
            }
        }
    }

    /** IMMEDIATE_ACK (draft-ietf-quic-ack-frequency-14 §5): an owed ACK is due now. */
    public void ackImmediately(long now) {
        if (ackDeadline != Long.MAX_VALUE) {
            ackDeadline = Math.min(ackDeadline, now);
        }
    }

    /** True once the peer's ACK_FREQUENCY policy applies ({@link #applyAckFrequency}). */
    public boolean peerPolicyActive() {
        return peerPolicy;
    }

    /** The peer's Ack-Eliciting Threshold once {@link #peerPolicyActive()}, else -1. */
    public long peerAckElicitingThreshold() {
        return peerPolicy ? peerThreshold : -1;
    }

    /** The max_ack_delay in force (the peer's requested one once {@link #peerPolicyActive()}). */
    public long maxAckDelayNanos() {
        return maxAckDelay;
    }

    /** Index of the last range with lo <= pn, or -1. */
    private int rangeAtOrBelow(long pn) {
        int a = 0;
        int b = n - 1;
        while (a <= b) {
            int mid = (a + b) >>> 1;
            if (lo[mid] <= pn) {
                a = mid + 1;
            } else {
                b = mid - 1;
            }
        }
        return b;
    }

    private void insert(long pn) {
        if (n > 0 && pn == hi[n - 1] + 1) {
            hi[n - 1] = pn; // in-order fast path
            return;
        }
        int i = rangeAtOrBelow(pn);
        boolean extendsBelow = i >= 0 && hi[i] + 1 == pn;
        boolean extendsAbove = i + 1 < n && lo[i + 1] == pn + 1;
        if (extendsBelow && extendsAbove) {
            hi[i] = hi[i + 1];
            removeRange(i + 1);
        } else if (extendsBelow) {
            hi[i] = pn;
        } else if (extendsAbove) {
            lo[i + 1] = pn;
        } else {
            insertRange(i + 1, pn);
        }
    }

    private void insertRange(int at, long pn) {
        if (n == lo.length) {
            lo = Arrays.copyOf(lo, n * 2);
            hi = Arrays.copyOf(hi, n * 2);
        }
        System.arraycopy(lo, at, lo, at + 1, n - at);
        System.arraycopy(hi, at, hi, at + 1, n - at);
        lo[at] = pn;
        hi[at] = pn;
        n++;
        if (n > maxRanges) {
            floor = hi[0] + 1; // forget the oldest range
            removeRange(0);
        }
    }

    private void removeRange(int at) {
        System.arraycopy(lo, at + 1, lo, at, n - at - 1);
        System.arraycopy(hi, at + 1, hi, at, n - at - 1);
        n--;
    }

    /**
     * An ACK frame we sent, whose Largest Acknowledged was {@code largestAckedInThatAck}, was itself
     * acknowledged: stop acknowledging packets at or below it (RFC 9000 §13.2.4).
     */
    public void onAckOfAckReceived(long largestAckedInThatAck) {
        long newFloor = largestAckedInThatAck + 1;
        if (newFloor <= floor) {
            return;
        }
        floor = newFloor;
        int drop = 0;
        while (drop < n && hi[drop] < floor) {
            drop++;
        }
        System.arraycopy(lo, drop, lo, 0, n - drop);
        System.arraycopy(hi, drop, hi, 0, n - drop);
        n -= drop;
        if (n > 0 && lo[0] < floor) {
            lo[0] = floor;
        }
    }

    /** True if an ACK is owed: an ack-eliciting packet arrived since the last ACK was sent. */
    public boolean ackPending() {
        return ackDeadline != Long.MAX_VALUE && n > 0;
    }

    /** When the owed ACK must be sent; {@link Long#MAX_VALUE} if none is owed. */
    public long ackDeadline() {
        return ackPending() ? ackDeadline : Long.MAX_VALUE;
    }

    public boolean wantsAckNow(long now) {
        return ackPending() && now >= ackDeadline;
    }

    /** Up to {@code maxRanges} ranges, largest first, for an ACK frame. */
    public List<AckRange> ackRanges(int maxRanges) {
        int count = Math.min(maxRanges, n);
        List<AckRange> out = new ArrayList<>(count);
        for (int k = n - 1; k >= n - count; k--) {
            out.add(new AckRange(lo[k], hi[k]));
        }
        return out;
    }

    /** Time since the largest packet number was received, for the ACK Delay field (unscaled). */
    public long ackDelayNanos(long now) {
        return Math.max(0, now - largestReceivedTime);
    }

    /** An ACK frame carrying the current ranges was sent: resets the counter and the timer. */
    public void onAckSent(long now) {
        unackedAckEliciting = 0;
        ackDeadline = Long.MAX_VALUE;
        largestAckSent = largestReceived;
        lastAckSentTime = now;
    }

    public long largestReceived() {
        return largestReceived;
    }

    /** Packet numbers below this are treated as duplicates. */
    public long floor() {
        return floor;
    }

    public int rangeCount() {
        return n;
    }

    /** Smallest packet number of range {@code k}, counting from the largest range (k = 0). */
    public long rangeSmallest(int k) {
        return lo[n - 1 - k];
    }

    /** Largest packet number of range {@code k}, counting from the largest range (k = 0). */
    public long rangeLargest(int k) {
        return hi[n - 1 - k];
    }
}
