package org.qdsr.quic.recovery;

/**
 * NewReno congestion control as specified in RFC 9002 §7 (Appendix B); the initial slow start
 * runs HyStart++ (RFC 9406) unless turned off.
 */
public final class NewReno implements CongestionController {
    /** kLossReductionFactor, RFC 9002 §7.3.2. */
    static final double LOSS_REDUCTION_FACTOR = 0.5;

    private final int mss;
    private final RecoveryPeriod period = new RecoveryPeriod();
    /** Null when HyStart++ is off (plain slow start up to the first loss). */
    private final HyStartPlusPlus hyStart;
    private long cwnd;
    private long ssthresh = Long.MAX_VALUE;
    private long bytesAckedInCa;

    /** HyStart++ on. */
    public NewReno(int maxDatagramSize) {
        this(maxDatagramSize, true);
    }

    /** @param hyStart whether the initial slow start runs HyStart++ (RFC 9406) for a paced sender */
    public NewReno(int maxDatagramSize, boolean hyStart) {
        this.mss = maxDatagramSize;
        this.hyStart = hyStart ? new HyStartPlusPlus(maxDatagramSize, true) : null;
        this.cwnd = CongestionController.initialWindow(maxDatagramSize);
    }

    @Override
    public void onPacketSent(long now, int bytes) {
        if (hyStart != null) {
            hyStart.onPacketSent(now); // HyStart++ rounds; the window only reacts to ACKs and losses
        }
    }

    @Override
    public void onPacketsAcked(long now, long bytes, long largestAckedTimeSent, RttEstimator rtt,
                               boolean appLimited) {
        if (appLimited || period.contains(largestAckedTimeSent)) {
            return;
        }
        if (cwnd < ssthresh) {
            slowStart(now, bytes, largestAckedTimeSent);
            return;
        }
        // §7.3.3 congestion avoidance: one mss per window of acknowledged bytes
        bytesAckedInCa += bytes;
        while (bytesAckedInCa >= cwnd) {
            bytesAckedInCa -= cwnd;
            cwnd += mss;
        }
    }

    /** §7.3.1 slow start, HyStart++ (RFC 9406) in the initial one (§4.3). */
    private void slowStart(long now, long bytes, long largestAckedTimeSent) {
        if (hyStart == null || ssthresh != Long.MAX_VALUE) {
            cwnd += bytes;
            return;
        }
        cwnd += hyStart.onAck(now, bytes, largestAckedTimeSent);
        if (hyStart.phase() == HyStartPlusPlus.Phase.CONGESTION_AVOIDANCE) {
            ssthresh = cwnd; // RFC 9406 §4.2
        }
    }

    @Override
    public void onCongestionEvent(long now, long timeSentOfLostPacket) {
        if (!period.enter(now, timeSentOfLostPacket)) {
            return;
        }
        ssthresh = Math.max((long) (cwnd * LOSS_REDUCTION_FACTOR), CongestionController.minimumWindow(mss));
        cwnd = ssthresh;
        bytesAckedInCa = 0;
    }

    @Override
    public void onPersistentCongestion() {
        cwnd = CongestionController.minimumWindow(mss);
        bytesAckedInCa = 0;
        period.reset();
    }

    @Override
    public void resumeWindow(long bytes) {
        cwnd = Math.max(cwnd, bytes);
    }

    @Override
    public CongestionController fresh() {
        return new NewReno(mss, hyStart != null);
    }

    @Override
    public long congestionWindow() {
        return cwnd;
    }

    @Override
    public boolean inSlowStart() {
        return cwnd < ssthresh;
    }

    @Override
    public int maxDatagramSize() {
        return mss;
    }

    long ssthresh() {
        return ssthresh;
    }

    /** The HyStart++ state of the initial slow start, or null when it is off. */
    public HyStartPlusPlus hyStart() {
        return hyStart;
    }
}
