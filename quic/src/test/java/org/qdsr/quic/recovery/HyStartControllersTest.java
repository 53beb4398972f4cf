package org.qdsr.quic.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.qdsr.quic.recovery.HyStartPlusPlus.Phase;

/** HyStart++ inside {@link Cubic} and {@link NewReno}: windows, ssthresh and CUBIC's epoch on its exits. */
class HyStartControllersTest {
    private static final int MSS = 1200;
    private static final long MS = 1_000_000L;
    private static final long US = 1_000L;
    private final RttEstimator rtt = new RttEstimator();

    private static HyStartPlusPlus hyStart(CongestionController cc) {
        return cc instanceof Cubic c ? c.hyStart() : ((NewReno) cc).hyStart();
    }

    private static long ssthresh(CongestionController cc) {
        return cc instanceof Cubic c ? c.ssthresh() : ((NewReno) cc).ssthresh();
    }

    /** Runs {@code rounds} rounds from {@code now}: a window of packets 1 µs apart, each acked alone. */
    private long rounds(CongestionController cc, long now, int rounds, IntToLongFunction rttOfRound) {
        for (int r = 0; r < rounds; r++) {
            int packets = (int) (cc.congestionWindow() / MSS);
            long rttNanos = rttOfRound.applyAsLong(r);
            for (int i = 0; i < packets; i++) {
                cc.onPacketSent(now + i * US, MSS);
            }
            for (int i = 0; i < packets; i++) {
                cc.onPacketsAcked(now + i * US + rttNanos, MSS, now + i * US, rtt, false);
            }
            now += (packets + 1) * US + rttNanos;
        }
        return now;
    }

    @ParameterizedTest
    @EnumSource(CongestionAlgorithm.class)
    void flatRttDoublesTheWindowEveryRound(CongestionAlgorithm algorithm) {
        CongestionController cc = algorithm.create(MSS);
        long initial = cc.congestionWindow();
        rounds(cc, 0, 8, r -> 30 * MS);
        assertThat(cc.congestionWindow()).isEqualTo(initial << 8);
        assertThat(cc.inSlowStart()).isTrue();
        assertThat(hyStart(cc).phase()).isEqualTo(Phase.SLOW_START);
    }

    @ParameterizedTest
    @EnumSource(CongestionAlgorithm.class)
    void risingRttLeavesSlowStartAfterFiveCssRoundsWithSsthreshAtTheWindow(CongestionAlgorithm algorithm) {
        CongestionController cc = algorithm.create(MSS);
        // the queue builds from round 3 on: +10 ms per round
        long now = rounds(cc, 0, 3, r -> 30 * MS);
        long atRise = cc.congestionWindow();
        now = rounds(cc, now, 1, r -> 40 * MS);
        assertThat(hyStart(cc).phase()).isEqualTo(Phase.CONSERVATIVE_SLOW_START);
        assertThat(cc.congestionWindow()).as("8 ACKs at full growth, the rest at a quarter")
                .isEqualTo(atRise + 8 * MSS + (atRise - 8 * MSS) / 4);
        now = rounds(cc, now, 4, r -> 40 * MS);
        assertThat(cc.inSlowStart()).as("four more rounds: the entry round and three full ones completed").isTrue();
        long before = cc.congestionWindow();
        int packets = (int) (before / MSS);
        for (int i = 0; i < packets; i++) {
            cc.onPacketSent(now + i * US, MSS);
        }
        cc.onPacketsAcked(now + 40 * MS, MSS, now, rtt, false); // ends the fifth CSS round
        assertThat(hyStart(cc).phase()).isEqualTo(Phase.CONGESTION_AVOIDANCE);
        assertThat(cc.inSlowStart()).isFalse();
        assertThat(ssthresh(cc)).isEqualTo(before).isEqualTo(cc.congestionWindow());
        for (int i = 1; i < packets; i++) {
            cc.onPacketsAcked(now + i * US + 40 * MS, MSS, now + i * US, rtt, false);
        }
        assertThat(cc.congestionWindow()).as("congestion avoidance: about one segment per window")
                .isBetween(before, before + 3L * MSS);
    }

    @Test
    void cubicStartsAFreshEpochAtTheWindowOnAHyStartExit() {
        Cubic cc = new Cubic(MSS);
        long now = rounds(cc, 0, 3, r -> 30 * MS);
        now = rounds(cc, now, 5, r -> 40 * MS);
        cc.onPacketSent(now, MSS);
        cc.onPacketsAcked(now + 40 * MS, MSS, now, rtt, false); // fifth CSS round over
        assertThat(cc.inSlowStart()).isFalse();
        long exit = cc.congestionWindow();
        cc.onPacketsAcked(now + 41 * MS, MSS, now + US, rtt, false); // first congestion-avoidance ACK
        assertThat(cc.wMax()).isEqualTo((double) exit);
        assertThat(cc.k()).isZero();
        assertThat(cc.ssthresh()).isEqualTo(exit);
    }

    @ParameterizedTest
    @EnumSource(CongestionAlgorithm.class)
    void withoutHyStartTheSameRisingRttKeepsSlowStart(CongestionAlgorithm algorithm) {
        CongestionController cc = algorithm.create(MSS, false);
        long initial = cc.congestionWindow();
        rounds(cc, 0, 10, r -> (30 + 10L * r) * MS);
        assertThat(cc.inSlowStart()).isTrue();
        assertThat(cc.congestionWindow()).isEqualTo(initial << 10);
        assertThat(hyStart(cc)).isNull();
    }

    @ParameterizedTest
    @EnumSource(CongestionAlgorithm.class)
    void lossDuringCssExitsAsUsualAndLaterSlowStartsArePlain(CongestionAlgorithm algorithm) {
        CongestionController cc = algorithm.create(MSS);
        long now = rounds(cc, 0, 3, r -> 30 * MS);
        now = rounds(cc, now, 1, r -> 40 * MS);
        assertThat(hyStart(cc).phase()).isEqualTo(Phase.CONSERVATIVE_SLOW_START);
        long window = cc.congestionWindow();
        cc.onCongestionEvent(now, now - 10 * MS);
        double factor = algorithm == CongestionAlgorithm.CUBIC ? Cubic.BETA : NewReno.LOSS_REDUCTION_FACTOR;
        assertThat(cc.congestionWindow()).isEqualTo((long) (window * factor));
        assertThat(cc.inSlowStart()).isFalse();
        cc.onPersistentCongestion();
        long min = CongestionController.minimumWindow(MSS);
        assertThat(cc.congestionWindow()).isEqualTo(min);
        rounds(cc, now + 100 * MS, 2, r -> (60 + 20L * r) * MS); // rising RTT, but plain slow start now
        assertThat(cc.congestionWindow()).isEqualTo(min << 2);
    }

    @ParameterizedTest
    @EnumSource(CongestionAlgorithm.class)
    void hyStartStillAppliesAfterAResumedWindow(CongestionAlgorithm algorithm) {
        CongestionController cc = algorithm.create(MSS);
        cc.resumeWindow(200L * MSS);
        assertThat(cc.inSlowStart()).isTrue();
        long now = rounds(cc, 0, 1, r -> 30 * MS);
        assertThat(cc.congestionWindow()).isEqualTo(400L * MSS);
        rounds(cc, now, 1, r -> 40 * MS);
        assertThat(hyStart(cc).phase()).isEqualTo(Phase.CONSERVATIVE_SLOW_START);
        assertThat(cc.congestionWindow()).isEqualTo(400L * MSS + 8 * MSS + (392L * MSS) / 4);
    }

    @ParameterizedTest
    @EnumSource(CongestionAlgorithm.class)
    void appLimitedAcksNeitherGrowNorFeedHyStart(CongestionAlgorithm algorithm) {
        CongestionController cc = algorithm.create(MSS);
        long now = rounds(cc, 0, 2, r -> 30 * MS);
        long window = cc.congestionWindow();
        for (int i = 0; i < 20; i++) {
            cc.onPacketSent(now + i * US, MSS);
        }
        for (int i = 0; i < 20; i++) {
            cc.onPacketsAcked(now + i * US + 80 * MS, MSS, now + i * US, rtt, true);
        }
        assertThat(cc.congestionWindow()).isEqualTo(window);
        assertThat(hyStart(cc).phase()).isEqualTo(Phase.SLOW_START);
    }
}
