package org.qdsr.quic.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RttEstimatorTest {
    private static final long MS = 1_000_000L;

    @Test
    void beforeAnySampleUsesInitialRtt() {
        RttEstimator r = new RttEstimator();
        assertThat(r.smoothedRtt()).isEqualTo(333 * MS);
        assertThat(r.rttVar()).isEqualTo(166_500_000L);
        assertThat(r.minRtt()).isZero();
        assertThat(r.hasSample()).isFalse();
        // §6.2.1: 333 + 4 * 166.5 = 999 ms, plus max_ack_delay when included
        assertThat(r.pto(25 * MS, false)).isEqualTo(999 * MS);
        assertThat(r.pto(25 * MS, true)).isEqualTo(1024 * MS);
    }

    @Test
    void recentRttFollowsADropAtOnceAndDampsARise() {
        RttEstimator r = new RttEstimator(100 * MS);
        assertThat(r.recentRtt()).as("before a sample: the initial RTT").isEqualTo(100 * MS);
        r.update(500 * MS, 0, true, 0); // a handshake slowed by the peer's processing
        r.update(50 * MS, 0, true, 0);
        assertThat(r.smoothedRtt()).isEqualTo((7 * 500 * MS + 50 * MS) / 8);
        assertThat(r.recentRtt()).isEqualTo(50 * MS);
        RttEstimator steady = new RttEstimator(100 * MS);
        steady.update(50 * MS, 0, true, 0);
        steady.update(210 * MS, 0, true, 0); // one late ACK
        assertThat(steady.recentRtt()).isEqualTo(steady.smoothedRtt()).isEqualTo(70 * MS);
    }

    @Test
    void firstSampleInitialisesEverything() {
        RttEstimator r = new RttEstimator(100 * MS);
        r.update(80 * MS, 30 * MS, true, 7);
        // §5.3: smoothed = latest, rttvar = latest / 2, ack delay ignored on the first sample
        assertThat(r.smoothedRtt()).isEqualTo(80 * MS);
        assertThat(r.rttVar()).isEqualTo(40 * MS);
        assertThat(r.minRtt()).isEqualTo(80 * MS);
        assertThat(r.latestRtt()).isEqualTo(80 * MS);
        assertThat(r.firstSampleTime()).isEqualTo(7);
    }

    /**
     * Second sample after a first sample of 100 ms (smoothed 100, rttvar 50, min 100), peer
     * max_ack_delay 25 ms; expected values hand-computed from RFC 9002 §5.3:
     * adjusted = latest - ack_delay if latest >= min_rtt + ack_delay;
     * rttvar = 3/4 rttvar + 1/4 |smoothed - adjusted|; smoothed = 7/8 smoothed + 1/8 adjusted.
     */
    @ParameterizedTest(name = "latest={0} ackDelay={1} confirmed={2}")
    @CsvSource({
        // latest, ackDelay, confirmed, smoothed(us), rttvar(us), minRtt(ms)
        "140, 20, true,  102500, 42500, 100", // adjusted 120
        "200, 50, true,  109375, 56250, 100", // delay capped at 25 -> adjusted 175
        "200, 50, false, 106250, 50000, 100", // not confirmed: delay 50 -> adjusted 150
        "110, 30, true,  101250, 40000, 100", // 110 < 100 + 30: not subtracted -> adjusted 110
        "60,  10, true,   95000, 47500,  60", // min_rtt takes the raw sample; 60 < 60 + 10 -> adjusted 60
    })
    void secondSampleMatchesHandComputedValues(long latestMs, long ackDelayMs, boolean confirmed,
                                               long smoothedUs, long rttVarUs, long minMs) {
        RttEstimator r = new RttEstimator();
        r.setMaxAckDelay(25 * MS);
        r.update(100 * MS, 0, confirmed);
        r.update(latestMs * MS, ackDelayMs * MS, confirmed);
        assertThat(r.smoothedRtt()).isEqualTo(smoothedUs * 1000);
        assertThat(r.rttVar()).isEqualTo(rttVarUs * 1000);
        assertThat(r.minRtt()).isEqualTo(minMs * MS);
        assertThat(r.latestRtt()).isEqualTo(latestMs * MS);
    }

    @Test
    void ptoUsesGranularityFloorForTinyVariance() {
        RttEstimator r = new RttEstimator();
        r.update(10 * MS, 0, true);
        for (int i = 0; i < 50; i++) {
            r.update(10 * MS, 0, true);
        }
        assertThat(r.rttVar()).isLessThan(MS / 4);
        assertThat(r.pto(0, false)).isEqualTo(r.smoothedRtt() + MS);
    }

    @Test
    void exportAndRestoreRoundTrips() {
        RttEstimator r = new RttEstimator(50 * MS);
        r.update(30 * MS, 0, false, 1000);
        r.update(45 * MS, 5 * MS, false, 2000);
        RttEstimator copy = RttEstimator.fromState(r.exportState());
        assertThat(copy.exportState()).isEqualTo(r.exportState());
        assertThat(copy.smoothedRtt()).isEqualTo(r.smoothedRtt());
        assertThat(copy.initialRtt()).isEqualTo(50 * MS);
    }
}
