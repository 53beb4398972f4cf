package org.qdsr.quic.connection;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.recovery.CongestionAlgorithm;
import org.qdsr.quic.recovery.CongestionController;
import org.qdsr.quic.recovery.RttEstimator;

/**
 * {@link ConnectionConfig#withHyStart}: the controller a connection builds from its config leaves
 * its initial slow start when the RTT rises (HyStart++, RFC 9406 §4.2) only with the switch on.
 */
class HyStartSwitchTest {
    private static final long MS = 1_000_000L;
    private static final int ROUNDS = 8;

    @Test
    void onByDefault() {
        assertThat(ConnectionConfig.defaults().hyStart()).isTrue();
        assertThat(ConnectionConfig.defaults().withHyStart(false).withHyStart(true).hyStart()).isTrue();
        assertThat(ConnectionConfig.defaults().withHyStart(false).withMaxIdleTimeout(java.time.Duration.ofSeconds(5))
                .hyStart()).as("other withers keep it").isFalse();
    }

    @ParameterizedTest
    @EnumSource(CongestionAlgorithm.class)
    void withItOffSlowStartIgnoresRisingRtt(CongestionAlgorithm algorithm) {
        ConnectionConfig off = ConnectionConfig.defaults().withCongestionControl(algorithm).withHyStart(false);
        CongestionController cc = RecoveryParts.create(off).cc();
        long initial = cc.congestionWindow();

        risingRttRounds(cc);

        assertThat(cc.inSlowStart()).as("still in slow start").isTrue();
        assertThat(cc.congestionWindow()).as("doubled every round").isEqualTo(initial << ROUNDS);
    }

    @ParameterizedTest
    @EnumSource(CongestionAlgorithm.class)
    void withItOnTheSameRoundsEndSlowStart(CongestionAlgorithm algorithm) {
        ConnectionConfig on = ConnectionConfig.defaults().withCongestionControl(algorithm);
        CongestionController cc = RecoveryParts.create(on).cc();
        long initial = cc.congestionWindow();

        risingRttRounds(cc);

        assertThat(cc.inSlowStart()).as("left slow start (RFC 9406: ssthresh = cwnd after CSS)").isFalse();
        assertThat(cc.congestionWindow()).isLessThan(initial << ROUNDS);
    }

    /**
     * Rounds of a window's worth of full-size packets, each acknowledged one by one a round trip
     * later; the round trip grows 10 ms per round from 20 ms (queueing building up), more than
     * RttThresh (4 ms at these RTTs), with more than N_RTT_SAMPLE samples per round. No loss.
     */
    private static void risingRttRounds(CongestionController cc) {
        int mss = cc.maxDatagramSize();
        RttEstimator rtt = new RttEstimator(20 * MS);
        long t = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long roundTrip = (20 + 10L * round) * MS;
            int packets = (int) (cc.congestionWindow() / mss);
            for (int i = 0; i < packets; i++) {
                cc.onPacketSent(t + i, mss);
            }
            for (int i = 0; i < packets; i++) {
                cc.onPacketsAcked(t + roundTrip + i, mss, t + i, rtt);
            }
            t += roundTrip + packets + 1;
        }
    }
}
