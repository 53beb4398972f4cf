package org.qdsr.quic.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CubicTest {
    private static final int MSS = 1000;
    private static final long MS = 1_000_000L;

    private static RttEstimator rtt(long ms) {
        RttEstimator r = new RttEstimator();
        r.update(ms * MS, 0, true);
        return r;
    }

    /** Slow start to {@code segments} * MSS, then a loss at t = 1 s. */
    private static Cubic afterLossAt(int segments, boolean fastConvergence) {
        Cubic cc = new Cubic(MSS, fastConvergence);
        cc.onPacketsAcked(500 * MS, (long) segments * MSS - cc.congestionWindow(), 400 * MS, rtt(100));
        assertThat(cc.congestionWindow()).isEqualTo((long) segments * MSS);
        cc.onCongestionEvent(1000 * MS, 900 * MS);
        return cc;
    }

    /** Acks a full window per RTT, spread evenly, for {@code rounds} RTTs; returns the new time. */
    private static long ackRounds(Cubic cc, RttEstimator rtt, long now, int rounds, long rttNanos) {
        for (int r = 0; r < rounds; r++) {
            long n = Math.max(1, cc.congestionWindow() / MSS);
            for (long j = 0; j < n; j++) {
                now += rttNanos / n;
                cc.onPacketsAcked(now, MSS, now - rttNanos, rtt, false);
            }
        }
        return now;
    }

    @Test
    void lossReducesByBetaAndSetsWmax() {
        Cubic cc = afterLossAt(100, true);
        assertThat(cc.congestionWindow()).isEqualTo(70 * MSS);
        assertThat(cc.wMax()).isEqualTo(100.0 * MSS);
        assertThat(cc.inSlowStart()).isFalse();
    }

    /** RFC 9438 §4.2: K = cbrt(W_max (1 - beta) / C) = cbrt(75) s for W_max = 100 segments. */
    @ParameterizedTest(name = "t={0}s")
    @CsvSource({
        // t (s), W_cubic(t) in segments = 0.4 (t - K)^3 + 100, K = 4.2171633
        "0.0, 70.0",
        "1.0, 86.6808",
        "2.0, 95.6403",
        "4.2171633, 100.0",
        "6.0, 102.2667",
    })
    void windowCurveFollowsWcubic(double t, double segments) {
        Cubic cc = afterLossAt(100, true);
        RttEstimator rtt = rtt(100);
        cc.onPacketsAcked(1200 * MS, MSS, 1100 * MS, rtt, false); // starts the epoch at 1.2 s
        assertThat(cc.k()).isCloseTo(Math.cbrt(75), within(1e-9));
        assertThat(cc.wCubic(t) / MSS).isCloseTo(segments, within(1e-3));
    }

    @Test
    void congestionWindowTracksWcubicOverTime() {
        Cubic cc = afterLossAt(100, true);
        RttEstimator rtt = rtt(100);
        long epochStart = 1200 * MS;
        cc.onPacketsAcked(epochStart, MSS, 1100 * MS, rtt, false);
        long now = epochStart;
        for (int second = 1; second <= 6; second++) {
            now = ackRounds(cc, rtt, now, 10, 100 * MS);
            double t = (now - epochStart) / 1e9;
            double expected = 0.4 * Math.pow(t - Math.cbrt(75), 3) + 100;
            assertThat(cc.congestionWindow() / (double) MSS)
                    .as("cwnd at t=%.1fs", t)
                    .isCloseTo(expected, within(expected * 0.03));
        }
    }

    @Test
    void fastConvergenceLowersWmaxOnSuccessiveLoss() {
        Cubic cc = afterLossAt(100, true);
        cc.onCongestionEvent(2000 * MS, 1500 * MS); // cwnd 70 < W_max 100
        assertThat(cc.wMax() / MSS).isCloseTo(70 * 1.7 / 2, within(1e-9));
        assertThat(cc.congestionWindow()).isEqualTo(49 * MSS);

        Cubic plain = afterLossAt(100, false);
        plain.onCongestionEvent(2000 * MS, 1500 * MS);
        assertThat(plain.wMax() / MSS).isCloseTo(70.0, within(1e-9));
    }

    @Test
    void secondLossInSameRecoveryPeriodIsIgnored() {
        Cubic cc = afterLossAt(100, true);
        cc.onCongestionEvent(1050 * MS, 950 * MS);
        assertThat(cc.congestionWindow()).isEqualTo(70 * MSS);
        assertThat(cc.wMax()).isEqualTo(100.0 * MSS);
    }

    @Test
    void renoFriendlyRegionDominatesAtShortRtt() {
        Cubic cc = afterLossAt(10, true);
        RttEstimator rtt = rtt(10);
        long start = 1100 * MS;
        cc.onPacketsAcked(start, MSS, 1050 * MS, rtt, false);
        long now = ackRounds(cc, rtt, start, 50, 10 * MS);
        double t = (now - start) / 1e9;
        // W_cubic(0.5 s) is below 9 segments; W_est grew by about one segment per RTT
        assertThat(cc.wCubic(t) / MSS).isLessThan(9.0);
        assertThat(cc.congestionWindow() / MSS).isGreaterThan(40);
    }

    @Test
    void appLimitedTimeDoesNotAdvanceTheCurveOrGrowTheWindow() {
        Cubic a = afterLossAt(100, true);
        Cubic b = afterLossAt(100, true);
        RttEstimator rtt = rtt(100);
        a.onPacketsAcked(1200 * MS, MSS, 1100 * MS, rtt, false);
        b.onPacketsAcked(1200 * MS, MSS, 1100 * MS, rtt, false);
        long w = b.congestionWindow();
        b.onPacketsAcked(1300 * MS, 10 * MSS, 1200 * MS, rtt, true);
        b.onPacketsAcked(3300 * MS, 10 * MSS, 3200 * MS, rtt, true);
        assertThat(b.congestionWindow()).isEqualTo(w);
        // b was app-limited from 1.3 s to 3.4 s: that time does not count in t
        a.onPacketsAcked(1300 * MS, MSS, 1200 * MS, rtt, false);
        b.onPacketsAcked(3400 * MS, MSS, 3300 * MS, rtt, false);
        assertThat(b.congestionWindow()).isEqualTo(a.congestionWindow());
    }

    @Test
    void persistentCongestionCollapsesToMinimumWindow() {
        Cubic cc = afterLossAt(100, true);
        cc.onPersistentCongestion();
        assertThat(cc.congestionWindow()).isEqualTo(2 * MSS);
        assertThat(cc.inSlowStart()).isTrue();
    }
}
