package org.qdsr.quic.recovery;

/**
 * RTT estimation for one path (RFC 9002 §5). All times are nanoseconds.
 *
 * <p>Before the first sample, {@link #smoothedRtt()} is the initial RTT and {@link #rttVar()} half of
 * it (§5.3, §6.2.2); {@link #minRtt()} and {@link #latestRtt()} are 0.
 */
public final class RttEstimator {
    /** kInitialRtt, RFC 9002 §6.2.2. */
    public static final long DEFAULT_INITIAL_RTT_NANOS = 333_000_000L;
    /** kGranularity, RFC 9002 §6.1.2. */
    public static final long GRANULARITY_NANOS = 1_000_000L;
    /** Default max_ack_delay, RFC 9000 §18.2 (25 ms). */
    public static final long DEFAULT_MAX_ACK_DELAY_NANOS = 25_000_000L;

    /** The exportable state of an estimator, for connection state handoff. */
    public record State(long initialRtt, long latestRtt, long smoothedRtt, long rttVar, long minRtt,
                        long firstSampleTime, boolean hasSample) {
    }

    private final long initialRtt;
    private long maxAckDelay = DEFAULT_MAX_ACK_DELAY_NANOS;
    private long latestRtt;
    private long smoothedRtt;
    private long rttVar;
    private long minRtt;
    private long firstSampleTime;
    private boolean hasSample;

    public RttEstimator() {
        this(DEFAULT_INITIAL_RTT_NANOS);
    }

    public RttEstimator(long initialRttNanos) {
        if (initialRttNanos <= 0) {
            throw new IllegalArgumentException("initial RTT must be positive");
        }
        this.initialRtt = initialRttNanos;
        this.smoothedRtt = initialRttNanos;
        this.rttVar = initialRttNanos / 2;
    }

    /** Rebuilds an estimator from {@link #exportState()}. */
    public static RttEstimator fromState(State s) {
        RttEstimator r = new RttEstimator(s.initialRtt());
        r.latestRtt = s.latestRtt();
        r.smoothedRtt = s.smoothedRtt();
        r.rttVar = s.rttVar();
        r.minRtt = s.minRtt();
        r.firstSampleTime = s.firstSampleTime();
        r.hasSample = s.hasSample();
        return r;
    }

    public State exportState() {
        return new State(initialRtt, latestRtt, smoothedRtt, rttVar, minRtt, firstSampleTime, hasSample);
    }

    /** The peer's max_ack_delay (transport parameter), used to cap ack_delay once the handshake is confirmed. */
    public void setMaxAckDelay(long maxAckDelayNanos) {
        this.maxAckDelay = maxAckDelayNanos;
    }

    public long maxAckDelay() {
        return maxAckDelay;
    }

    /** Same as {@link #update(long, long, boolean, long)} with the sample time unknown (0). */
    public void update(long latestRttNanos, long ackDelayNanos, boolean handshakeConfirmed) {
        update(latestRttNanos, ackDelayNanos, handshakeConfirmed, 0);
    }

    /**
     * Takes an RTT sample (RFC 9002 §5.1-§5.3). min_rtt ignores ack delay; after handshake
     * confirmation the ack delay is capped by max_ack_delay; it is never subtracted if that would
     * take the sample below min_rtt. {@code now} is remembered for the first sample (persistent
     * congestion only counts packets sent after it, §7.6.2).
     */
    public void update(long latestRttNanos, long ackDelayNanos, boolean handshakeConfirmed, long now) {
        latestRtt = Math.max(latestRttNanos, 1);
        if (!hasSample) {
            hasSample = true;
            firstSampleTime = now;
            minRtt = latestRtt;
            smoothedRtt = latestRtt;
            rttVar = latestRtt / 2;
            return;
        }
        minRtt = Math.min(minRtt, latestRtt);
        long ackDelay = Math.max(ackDelayNanos, 0);
        if (handshakeConfirmed) {
            ackDelay = Math.min(ackDelay, maxAckDelay);
        }
        long adjusted = latestRtt;
        if (latestRtt >= minRtt + ackDelay) {
            adjusted = latestRtt - ackDelay;
        }
        rttVar = (3 * rttVar + Math.abs(smoothedRtt - adjusted)) / 4;
        smoothedRtt = (7 * smoothedRtt + adjusted) / 8;
    }

    /**
     * The probe timeout duration without backoff (RFC 9002 §6.2.1):
     * smoothed_rtt + max(4*rttvar, kGranularity) [+ max_ack_delay].
     */
    public long pto(long maxAckDelayNanos, boolean includeAckDelay) {
        long pto = smoothedRtt + Math.max(4 * rttVar, GRANULARITY_NANOS);
        return includeAckDelay ? pto + maxAckDelayNanos : pto;
    }

    public boolean hasSample() {
        return hasSample;
    }

    /** When the first RTT sample was taken (only meaningful if {@link #hasSample()}). */
    public long firstSampleTime() {
        return firstSampleTime;
    }

    public long initialRtt() {
        return initialRtt;
    }

    public long smoothedRtt() {
        return smoothedRtt;
    }

    public long rttVar() {
        return rttVar;
    }

    public long minRtt() {
        return minRtt;
    }

    /**
     * The smaller of smoothed_rtt and latest_rtt (the initial RTT before any sample): follows a
     * drop at once and damps a rise. An endpoint that sends few ack-eliciting packets of its own
     * (a load balancer that handed its streams to real servers) keeps a smoothed_rtt dominated for
     * a long time by its first sample, which includes the peer's handshake processing (measured:
     * 507 ms from a freshly started client over a 53 ms path, still 288 ms thirty responses later,
     * while latest_rtt was 53 ms).
     */
    public long recentRtt() {
        return hasSample ? Math.min(smoothedRtt, latestRtt) : smoothedRtt;
    }

    public long latestRtt() {
        return latestRtt;
    }
}
