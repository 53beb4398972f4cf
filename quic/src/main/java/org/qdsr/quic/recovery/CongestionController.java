package org.qdsr.quic.recovery;

/**
 * A congestion controller for one path (RFC 9002 §7). Bytes in flight are tracked by
 * {@link Recovery}, not here. All times are nanoseconds.
 */
public interface CongestionController {

    /** A packet counted in bytes in flight was sent. */
    void onPacketSent(long now, int bytes);

    /**
     * In-flight packets totalling {@code bytes} were newly acknowledged; {@code largestAckedTimeSent}
     * is the send time of the largest of them. No growth happens while that packet was sent during
     * the current recovery period (RFC 9002 §7.3.2), nor when {@code appLimited} is true, i.e. the
     * sender did not fully use the congestion window (RFC 9002 §7.8).
     */
    void onPacketsAcked(long now, long bytes, long largestAckedTimeSent, RttEstimator rtt, boolean appLimited);

    /** As {@link #onPacketsAcked(long, long, long, RttEstimator, boolean)} with appLimited = false. */
    default void onPacketsAcked(long now, long bytes, long largestAckedTimeSent, RttEstimator rtt) {
        onPacketsAcked(now, bytes, largestAckedTimeSent, rtt, false);
    }

    /**
     * Loss (or ECN-CE) of a packet sent at {@code timeSentOfLostPacket}: enters recovery and
     * reduces the window, unless that packet was sent before the current recovery period started
     * (RFC 9002 §7.3.2: one reduction per round trip).
     */
    void onCongestionEvent(long now, long timeSentOfLostPacket);

    /** Persistent congestion (RFC 9002 §7.6.2): collapse to the minimum window. */
    void onPersistentCongestion();

    long congestionWindow();

    /** A controller of the same kind and settings in its initial state (RFC 9000 §9.4, RFC 9002 §B.3). */
    CongestionController fresh();

    /**
     * Raises the window to {@code bytes} (never lowers it), staying in slow start: for a sender
     * that takes over a path of a connection whose receiver already acknowledged that much per
     * round trip on another path (QDSR isolated mode; RFC 9002 §7.8 leaves window validation after
     * such a period to RFC 7661-style mechanisms). Call before the first packet is sent.
     */
    void resumeWindow(long bytes);

    boolean inSlowStart();

    /** The max datagram size this controller counts segments in. */
    int maxDatagramSize();

    /** RFC 9002 §7.2: min(10 * mss, max(14720, 2 * mss)). */
    static long initialWindow(int maxDatagramSize) {
        return Math.min(10L * maxDatagramSize, Math.max(14_720L, 2L * maxDatagramSize));
    }

    /** RFC 9002 §7.2: 2 * mss. */
    static long minimumWindow(int maxDatagramSize) {
        return 2L * maxDatagramSize;
    }
}
