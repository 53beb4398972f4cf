package org.qdsr.quic.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NewRenoTest {
    private static final int MSS = 1200;
    private static final long MS = 1_000_000L;
    private final RttEstimator rtt = new RttEstimator();

    @ParameterizedTest
    @CsvSource({"1200, 12000", "1472, 14720", "1500, 14720", "9000, 18000"})
    void initialWindowPerRfc9002(int mss, long expected) {
        assertThat(new NewReno(mss).congestionWindow()).isEqualTo(expected);
        assertThat(new Cubic(mss).congestionWindow()).isEqualTo(expected);
    }

    @Test
    void slowStartGrowsByAckedBytes() {
        NewReno cc = new NewReno(MSS);
        cc.onPacketsAcked(10, 3 * MSS, 5, rtt);
        assertThat(cc.congestionWindow()).isEqualTo(12000 + 3 * MSS);
        assertThat(cc.inSlowStart()).isTrue();
    }

    @Test
    void appLimitedAcksDoNotGrowWindow() {
        NewReno cc = new NewReno(MSS);
        cc.onPacketsAcked(10, 3 * MSS, 5, rtt, true);
        assertThat(cc.congestionWindow()).isEqualTo(12000);
    }

    @Test
    void lossHalvesOncePerRecoveryPeriodThenCongestionAvoidance() {
        NewReno cc = new NewReno(MSS);
        cc.onPacketsAcked(10 * MS, 12000, 5 * MS, rtt); // cwnd 24000
        cc.onCongestionEvent(100 * MS, 90 * MS);
        assertThat(cc.congestionWindow()).isEqualTo(12000);
        assertThat(cc.ssthresh()).isEqualTo(12000);
        assertThat(cc.inSlowStart()).isFalse();

        // another loss of a packet sent before the period started: no second reduction
        cc.onCongestionEvent(110 * MS, 95 * MS);
        cc.onCongestionEvent(120 * MS, 100 * MS);
        assertThat(cc.congestionWindow()).isEqualTo(12000);

        // acks of packets sent during the period do not grow the window
        cc.onPacketsAcked(130 * MS, 6000, 99 * MS, rtt);
        assertThat(cc.congestionWindow()).isEqualTo(12000);

        // congestion avoidance: one MSS per congestion window of acknowledged bytes
        cc.onPacketsAcked(200 * MS, 11999, 150 * MS, rtt);
        assertThat(cc.congestionWindow()).isEqualTo(12000);
        cc.onPacketsAcked(201 * MS, 1, 151 * MS, rtt);
        assertThat(cc.congestionWindow()).isEqualTo(12000 + MSS);

        // a loss of a packet sent after the period started reduces again
        cc.onCongestionEvent(300 * MS, 250 * MS);
        assertThat(cc.congestionWindow()).isEqualTo((12000 + MSS) / 2);
    }

    @Test
    void windowNeverDropsBelowMinimum() {
        NewReno cc = new NewReno(MSS);
        for (int i = 1; i <= 10; i++) {
            cc.onCongestionEvent(i * 100 * MS, i * 100 * MS - 1);
        }
        assertThat(cc.congestionWindow()).isEqualTo(2 * MSS);
    }

    @Test
    void persistentCongestionCollapsesToMinimumWindow() {
        NewReno cc = new NewReno(MSS);
        cc.onPacketsAcked(10 * MS, 50_000, 5 * MS, rtt);
        cc.onCongestionEvent(100 * MS, 90 * MS);
        cc.onPersistentCongestion();
        assertThat(cc.congestionWindow()).isEqualTo(2 * MSS);
        // the recovery period is forgotten: slow start resumes for any ack
        cc.onPacketsAcked(110 * MS, MSS, 95 * MS, rtt);
        assertThat(cc.congestionWindow()).isEqualTo(3 * MSS);
    }
}
