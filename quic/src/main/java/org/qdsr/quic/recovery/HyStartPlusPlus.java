package org.qdsr.quic.recovery;

/**
 * HyStart++ (RFC 9406): leaves slow start when the round-trip time rises instead of waiting for
 * loss. Sans-I/O: the owning {@link CongestionController} reports sends and the acknowledgements
 * that happen while it is in its initial slow start, and asks by how much each one grows the window.
 *
 * <p>Rounds (RFC 9406 §4.2 "windowEnd = SND.NXT"; a round ends when a packet at or beyond
 * windowEnd is acknowledged) are delimited by send times instead of sequence numbers: at the start
 * of a round the send time of the latest packet sent is remembered, and the round ends with the
 * first acknowledgement whose largest newly acknowledged packet was sent strictly later. The
 * controller API carries that send time for every acknowledgement, and send times of one path are
 * monotonic, so this is the same boundary as a packet number would give without needing one
 * (packets sent at exactly the same nanosecond as the last one are counted with the old round,
 * which can only lengthen a round by one burst).
 *
 * <p>RTT samples (RFC 9406 §4.2 "currRTT") are {@code now - largestAckedTimeSent}: the raw RTT of
 * the largest newly acknowledged packet, one sample per ACK, like TCP's; minima over a round are
 * what the algorithm uses, so ACK delay only matters when every sample in a round is delayed.
 *
 * <p>Phases: {@link Phase#SLOW_START} -> {@link Phase#CONSERVATIVE_SLOW_START} on an RTT rise
 * (back to slow start if the RTT falls below the baseline again) -> {@link Phase#CONGESTION_AVOIDANCE}
 * after {@value #CSS_ROUNDS} CSS rounds, at which point the controller sets ssthresh = cwnd.
 * Loss in either slow-start phase is handled by the controller as usual (its ssthresh becomes
 * finite and it no longer consults this object: RFC 9406 §4.3, HyStart++ only for the initial
 * slow start).
 */
public final class HyStartPlusPlus {
    /** MIN_RTT_THRESH, RFC 9406 §4.3: 4 ms. */
    public static final long MIN_RTT_THRESH_NANOS = 4_000_000L;
    /** MAX_RTT_THRESH, RFC 9406 §4.3: 16 ms. */
    public static final long MAX_RTT_THRESH_NANOS = 16_000_000L;
    /** MIN_RTT_DIVISOR, RFC 9406 §4.3. */
    public static final int MIN_RTT_DIVISOR = 8;
    /** N_RTT_SAMPLE, RFC 9406 §4.3. */
    public static final int N_RTT_SAMPLE = 8;
    /** CSS_GROWTH_DIVISOR, RFC 9406 §4.3. */
    public static final int CSS_GROWTH_DIVISOR = 4;
    /** CSS_ROUNDS, RFC 9406 §4.3. */
    public static final int CSS_ROUNDS = 5;
    /** L for a sender that does not pace, RFC 9406 §4.3 (a paced sender uses L = infinity). */
    public static final int NON_PACED_L = 8;
    private static final long INFINITY = Long.MAX_VALUE;

    /** Where the controller is in its initial slow start. */
    public enum Phase {
        SLOW_START,
        /** Conservative Slow Start (RFC 9406 §4.2): growth divided by CSS_GROWTH_DIVISOR. */
        CONSERVATIVE_SLOW_START,
        /** Left slow start after CSS_ROUNDS CSS rounds (ssthresh = cwnd); not consulted any more. */
        CONGESTION_AVOIDANCE
    }

    private final long maxGrowthPerAck;
    private Phase phase = Phase.SLOW_START;
    private long lastRoundMinRtt = INFINITY;
    private long currentRoundMinRtt = INFINITY;
    private long cssBaselineMinRtt = INFINITY;
    private int rttSampleCount;
    private int cssRounds;
    private long cssCarry;
    private boolean roundStarted;
    private long windowEndTime;
    private boolean windowEndValid;
    private boolean sentAny;
    private long lastSentTime;
    private long slowStartExits;
    private long spuriousExits;

    /**
     * @param maxDatagramSize SMSS in bytes
     * @param paced whether the sender paces (RFC 9406 §4.3: L = infinity if paced, 8 if not)
     */
    public HyStartPlusPlus(int maxDatagramSize, boolean paced) {
        this.maxGrowthPerAck = paced ? INFINITY : (long) NON_PACED_L * maxDatagramSize;
    }

    /** A packet counted in bytes in flight left at {@code now}. */
    public void onPacketSent(long now) {
        if (!sentAny || now - lastSentTime > 0) {
            lastSentTime = now; // the latest send time, should senders' clocks ever be reported out of order
        }
        sentAny = true;
    }

    /**
     * An acknowledgement of {@code ackedBytes} newly acknowledged in-flight bytes while the controller
     * is in its initial slow start (and allowed to grow: not application-limited, not in recovery).
     * Returns how many bytes the window grows by (RFC 9406 §4.2: min(N, L * SMSS), divided by
     * CSS_GROWTH_DIVISOR in CSS). Afterwards {@link #phase()} may be
     * {@link Phase#CONGESTION_AVOIDANCE}: the caller then sets ssthresh to its window.
     */
    public long onAck(long now, long ackedBytes, long largestAckedTimeSent) {
        if (phase == Phase.CONGESTION_AVOIDANCE) {
            return ackedBytes;
        }
        if (roundEnds(largestAckedTimeSent)) {
            startRound();
            if (phase == Phase.CONGESTION_AVOIDANCE) {
                return 0;
            }
        }
        long growth = growth(ackedBytes);
        sample(now - largestAckedTimeSent);
        if (phase == Phase.SLOW_START) {
            checkSlowStartExit();
        } else {
            checkSpuriousExit();
        }
        return growth;
    }

    /** An ACK of a packet sent after the last one sent when the round started (at or beyond windowEnd). */
    private boolean roundEnds(long largestAckedTimeSent) {
        return !roundStarted || !windowEndValid || largestAckedTimeSent - windowEndTime > 0;
    }

    /** RFC 9406 §4.2: the round boundary; a completed CSS round may end slow start altogether. */
    private void startRound() {
        if (phase == Phase.CONSERVATIVE_SLOW_START && ++cssRounds >= CSS_ROUNDS) {
            phase = Phase.CONGESTION_AVOIDANCE;
        }
        roundStarted = true;
        windowEndValid = sentAny; // nothing sent yet: the next packet acknowledged ends the round
        windowEndTime = lastSentTime;
        lastRoundMinRtt = currentRoundMinRtt;
        currentRoundMinRtt = INFINITY;
        rttSampleCount = 0;
    }

    private long growth(long ackedBytes) {
        long n = Math.min(ackedBytes, maxGrowthPerAck);
        if (phase == Phase.SLOW_START) {
            return n;
        }
        long total = n + cssCarry;
        cssCarry = total % CSS_GROWTH_DIVISOR;
        return total / CSS_GROWTH_DIVISOR;
    }

    private void sample(long rtt) {
        currentRoundMinRtt = Math.min(currentRoundMinRtt, Math.max(rtt, 1));
        rttSampleCount++;
    }

    /** RFC 9406 §4.2: a delay increase of RttThresh over the last round's minimum enters CSS. */
    private void checkSlowStartExit() {
        if (rttSampleCount < N_RTT_SAMPLE || currentRoundMinRtt == INFINITY || lastRoundMinRtt == INFINITY) {
            return;
        }
        if (currentRoundMinRtt >= lastRoundMinRtt + rttThresh(lastRoundMinRtt)) {
            cssBaselineMinRtt = currentRoundMinRtt;
            phase = Phase.CONSERVATIVE_SLOW_START;
            cssRounds = 0;
            cssCarry = 0;
            slowStartExits++;
        }
    }

    /** RFC 9406 §4.2: the RTT fell below the CSS baseline, so the exit was spurious. */
    private void checkSpuriousExit() {
        if (rttSampleCount >= N_RTT_SAMPLE && currentRoundMinRtt < cssBaselineMinRtt) {
            cssBaselineMinRtt = INFINITY;
            phase = Phase.SLOW_START;
            spuriousExits++;
        }
    }

    /** RttThresh = max(MIN_RTT_THRESH, min(lastRoundMinRTT / MIN_RTT_DIVISOR, MAX_RTT_THRESH)), §4.2. */
    static long rttThresh(long lastRoundMinRtt) {
        return Math.max(MIN_RTT_THRESH_NANOS, Math.min(lastRoundMinRtt / MIN_RTT_DIVISOR, MAX_RTT_THRESH_NANOS));
    }

    public Phase phase() {
        return phase;
    }

    /** cssBaselineMinRtt in nanoseconds, {@link Long#MAX_VALUE} outside CSS. */
    public long cssBaselineMinRtt() {
        return cssBaselineMinRtt;
    }

    /** CSS rounds completed since CSS was last entered (the partial entry round counts once it ends). */
    public int cssRounds() {
        return cssRounds;
    }

    /** How often slow start was left for CSS (an RTT rise). */
    public long slowStartExits() {
        return slowStartExits;
    }

    /** How often CSS went back to slow start (RTT below the baseline again). */
    public long spuriousExits() {
        return spuriousExits;
    }
}
