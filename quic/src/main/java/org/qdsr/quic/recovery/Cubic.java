package org.qdsr.quic.recovery;

/**
 * CUBIC congestion control (RFC 9438) on top of the RFC 9002 framework: slow start and recovery
 * periods as in {@link NewReno}; after a congestion event the window follows
 * W_cubic(t) = C * (t - K)^3 + W_max (§4.2), never below the Reno-friendly estimate W_est (§4.3),
 * with fast convergence (§4.7). Windows are kept in bytes; C is in segments per second cubed.
 * The initial slow start runs HyStart++ (RFC 9406, as RFC 9438 §4.10 recommends) unless turned
 * off; leaving it without a loss sets ssthresh = cwnd and the first congestion-avoidance epoch then
 * starts with W_max = cwnd and K = 0.
 */
public final class Cubic implements CongestionController {
    /** C, RFC 9438 §5.1. */
    static final double C = 0.4;
    /** beta_cubic, RFC 9438 §4.6. */
    static final double BETA = 0.7;
    /** alpha_cubic = 3 * (1 - beta) / (1 + beta), RFC 9438 §4.3. */
    static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);
    private static final double NANOS_PER_SECOND = 1e9;

    private final int mss;
    private final long minWindow;
    private final boolean fastConvergence;
    private final RecoveryPeriod period = new RecoveryPeriod();
    /** Null when HyStart++ is off (plain slow start up to the first loss). */
    private final HyStartPlusPlus hyStart;
    private double cwnd;
    private long ssthresh = Long.MAX_VALUE;
    private double wMax;
    private double cwndPrior;
    private double wEst;
    private double k;
    private boolean epochStarted;
    private long epochStart;
    private boolean appLimited;
    private long appLimitedSince;

    /** Fast convergence and HyStart++ on. */
    public Cubic(int maxDatagramSize) {
        this(maxDatagramSize, true);
    }

    /** HyStart++ on. */
    public Cubic(int maxDatagramSize, boolean fastConvergence) {
        this(maxDatagramSize, fastConvergence, true);
    }

    /** @param hyStart whether the initial slow start runs HyStart++ (RFC 9406) for a paced sender */
    public Cubic(int maxDatagramSize, boolean fastConvergence, boolean hyStart) {
        this.mss = maxDatagramSize;
        this.hyStart = hyStart ? new HyStartPlusPlus(maxDatagramSize, true) : null;
        this.minWindow = CongestionController.minimumWindow(maxDatagramSize);
        this.fastConvergence = fastConvergence;
        this.cwnd = CongestionController.initialWindow(maxDatagramSize);
    }

    @Override
    public void onPacketSent(long now, int bytes) {
        // growth is driven by acknowledgements; idle time is excluded via the app-limited flag
        if (hyStart != null) {
            hyStart.onPacketSent(now);
        }
    }

    @Override
    public void onPacketsAcked(long now, long bytes, long largestAckedTimeSent, RttEstimator rtt,
                               boolean appLimitedNow) {
        if (period.contains(largestAckedTimeSent)) {
            return;
        }
        if (appLimitedNow) {
            markAppLimited(now);
            return;
        }
        if (appLimited) {
            // RFC 9438 §5.8: the time the sender was application-limited does not advance t
            epochStart += now - appLimitedSince;
            appLimited = false;
        }
        if (cwnd < ssthresh) {
            slowStart(now, bytes, largestAckedTimeSent);
            return;
        }
        congestionAvoidance(now, bytes, rtt.smoothedRtt());
    }

    private void slowStart(long now, long bytes, long largestAckedTimeSent) {
        if (hyStart == null || ssthresh != Long.MAX_VALUE) {
            cwnd += bytes; // RFC 9406 §4.3: HyStart++ only in the initial slow start
            return;
        }
        cwnd += hyStart.onAck(now, bytes, largestAckedTimeSent);
        if (hyStart.phase() == HyStartPlusPlus.Phase.CONGESTION_AVOIDANCE) {
            ssthresh = (long) cwnd; // RFC 9406 §4.2; the first epoch starts fresh (startEpoch)
            epochStarted = false;
        }
    }

    private void markAppLimited(long now) {
        if (epochStarted && !appLimited) {
            appLimited = true;
            appLimitedSince = now;
        }
    }

    private void congestionAvoidance(long now, long bytes, long smoothedRtt) {
        if (!epochStarted) {
            startEpoch(now);
        }
        double t = (now - epochStart) / NANOS_PER_SECOND;
        double target = wCubic(t + smoothedRtt / NANOS_PER_SECOND);
        target = Math.max(cwnd, Math.min(target, 1.5 * cwnd));
        double alpha = wEst >= cwndPrior ? 1.0 : ALPHA;
        wEst += alpha * mss * bytes / cwnd;
        if (wCubic(t) < wEst) {
            cwnd = Math.max(cwnd, wEst); // Reno-friendly region, §4.3
        } else {
            cwnd += (target - cwnd) * bytes / cwnd; // concave / convex region, §4.4-4.5
        }
    }

    private void startEpoch(long now) {
        epochStarted = true;
        epochStart = now;
        appLimited = false;
        if (wMax <= cwnd) {
            wMax = cwnd; // congestion avoidance entered without a loss (e.g. after persistent congestion)
            k = 0;
        } else {
            k = Math.cbrt((wMax - cwnd) / (C * mss));
        }
        wEst = cwnd;
    }

    /** W_cubic(t) in bytes for the current epoch, t in seconds (RFC 9438 §4.2). */
    double wCubic(double t) {
        double d = t - k;
        return C * mss * d * d * d + wMax;
    }

    @Override
    public void onCongestionEvent(long now, long timeSentOfLostPacket) {
        if (!period.enter(now, timeSentOfLostPacket)) {
            return;
        }
        if (fastConvergence && cwnd < wMax) {
            wMax = cwnd * (1 + BETA) / 2; // §4.7
        } else {
            wMax = cwnd;
        }
        cwndPrior = cwnd;
        cwnd = Math.max(cwnd * BETA, minWindow);
        ssthresh = (long) cwnd;
        epochStarted = false;
        appLimited = false;
    }

    @Override
    public void onPersistentCongestion() {
        cwnd = minWindow;
        epochStarted = false;
        appLimited = false;
        period.reset();
    }

    @Override
    public void resumeWindow(long bytes) {
        cwnd = Math.max(cwnd, (double) bytes);
    }

    @Override
    public CongestionController fresh() {
        return new Cubic(mss, fastConvergence, hyStart != null);
    }

    @Override
    public long congestionWindow() {
        return (long) cwnd;
    }

    @Override
    public boolean inSlowStart() {
        return cwnd < ssthresh;
    }

    @Override
    public int maxDatagramSize() {
        return mss;
    }

    double wMax() {
        return wMax;
    }

    /** K in seconds for the current epoch (valid once congestion avoidance has started). */
    double k() {
        return k;
    }

    long ssthresh() {
        return ssthresh;
    }

    /** The HyStart++ state of the initial slow start, or null when it is off. */
    public HyStartPlusPlus hyStart() {
        return hyStart;
    }
}
