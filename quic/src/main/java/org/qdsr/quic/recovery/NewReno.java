package org.qdsr.quic.recovery;

/** NewReno congestion control as specified in RFC 9002 §7 (Appendix B). */
public final class NewReno implements CongestionController {
    /** kLossReductionFactor, RFC 9002 §7.3.2. */
    static final double LOSS_REDUCTION_FACTOR = 0.5;

    private final int mss;
    private final RecoveryPeriod period = new RecoveryPeriod();
    private long cwnd;
    private long ssthresh = Long.MAX_VALUE;
    private long bytesAckedInCa;

    public NewReno(int maxDatagramSize) {
        this.mss = maxDatagramSize;
        this.cwnd = CongestionController.initialWindow(maxDatagramSize);
    }

    @Override
    public void onPacketSent(long now, int bytes) {
        // nothing: NewReno only reacts to acknowledgements and losses
    }

    @Override
    public void onPacketsAcked(long now, long bytes, long largestAckedTimeSent, RttEstimator rtt,
                               boolean appLimited) {
        if (appLimited || period.contains(largestAckedTimeSent)) {
            return;
        }
        if (cwnd < ssthresh) {
            cwnd += bytes; // §7.3.1 slow start
            return;
        }
        // §7.3.3 congestion avoidance: one mss per window of acknowledged bytes
        bytesAckedInCa += bytes;
        while (bytesAckedInCa >= cwnd) {
            bytesAckedInCa -= cwnd;
            cwnd += mss;
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
}
