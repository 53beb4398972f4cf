package org.qdsr.quic.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.qdsr.quic.recovery.HyStartPlusPlus.Phase;

/** The HyStart++ state machine (RFC 9406 §4.2) on hand-made RTT sequences, one round at a time. */
class HyStartPlusPlusTest {
    private static final int MSS = 1200;
    private static final long MS = 1_000_000L;
    private static final long US = 1_000L;

    /** Sends {@code rtts.length} packets 1 µs apart, then acknowledges each one alone after its RTT. */
    private static final class Rounds {
        final HyStartPlusPlus h;
        long now = 1_000 * MS;
        long growth;

        Rounds(HyStartPlusPlus h) {
            this.h = h;
        }

        /** One round of {@code packets} packets whose RTTs are all {@code rttMs}. */
        Rounds round(int packets, double rttMs) {
            long[] rtts = new long[packets];
            java.util.Arrays.fill(rtts, (long) (rttMs * MS));
            return round(rtts);
        }

        Rounds round(long... rtts) {
            long start = now;
            for (int i = 0; i < rtts.length; i++) {
                h.onPacketSent(start + i * US);
            }
            growth = 0;
            long last = start;
            for (int i = 0; i < rtts.length; i++) {
                long sent = start + i * US;
                last = Math.max(last, sent + rtts[i]);
                growth += h.onAck(sent + rtts[i], MSS, sent);
            }
            now = last + US;
            return this;
        }
    }

    @Test
    void flatRttStaysInSlowStartAndGrowsByEveryAckedByte() {
        Rounds r = new Rounds(new HyStartPlusPlus(MSS, true));
        for (int i = 0; i < 20; i++) {
            r.round(10 + i * 5, 50);
            assertThat(r.growth).isEqualTo((10L + i * 5) * MSS);
        }
        assertThat(r.h.phase()).isEqualTo(Phase.SLOW_START);
        assertThat(r.h.slowStartExits()).isZero();
    }

    @Test
    void rttRiseBelowTheThresholdStaysInSlowStart() {
        // lastRoundMinRTT 50 ms: RttThresh = 50 / 8 = 6.25 ms
        Rounds r = new Rounds(new HyStartPlusPlus(MSS, true)).round(20, 50).round(20, 56.2);
        assertThat(r.h.phase()).isEqualTo(Phase.SLOW_START);
        r.round(20, 56.2 + 6.0); // 6 ms above the previous round: still below its 7.03 ms threshold
        assertThat(r.h.phase()).isEqualTo(Phase.SLOW_START);
    }

    @Test
    void rttRiseOfTheThresholdEntersCssOnlyAfterEightSamples() {
        HyStartPlusPlus h = new HyStartPlusPlus(MSS, true);
        Rounds r = new Rounds(h).round(20, 50);
        long[] rtts = new long[20];
        java.util.Arrays.fill(rtts, 57 * MS);
        rtts[0] = 50 * MS + 6_250 * US - 1; // one sample just below: the round's minimum is not a rise yet
        long start = r.now;
        for (int i = 0; i < rtts.length; i++) {
            h.onPacketSent(start + i * US);
        }
        for (int i = 0; i < 8; i++) {
            h.onAck(start + i * US + rtts[i], MSS, start + i * US);
        }
        assertThat(h.phase()).as("min of this round is %d ns", rtts[0]).isEqualTo(Phase.SLOW_START);

        HyStartPlusPlus h2 = new HyStartPlusPlus(MSS, true);
        Rounds r2 = new Rounds(h2).round(20, 50);
        long s2 = r2.now;
        for (int i = 0; i < 20; i++) {
            h2.onPacketSent(s2 + i * US);
        }
        for (int i = 0; i < 7; i++) {
            h2.onAck(s2 + i * US + 57 * MS, MSS, s2 + i * US);
        }
        assertThat(h2.phase()).as("7 samples").isEqualTo(Phase.SLOW_START);
        assertThat(h2.onAck(s2 + 7 * US + 57 * MS, MSS, s2 + 7 * US)).as("the 8th ACK still grows fully")
                .isEqualTo(MSS);
        assertThat(h2.phase()).as("8 samples").isEqualTo(Phase.CONSERVATIVE_SLOW_START);
        assertThat(h2.cssBaselineMinRtt()).isEqualTo(57 * MS);
        assertThat(h2.onAck(s2 + 8 * US + 57 * MS, MSS, s2 + 8 * US)).as("CSS: a quarter")
                .isEqualTo(MSS / HyStartPlusPlus.CSS_GROWTH_DIVISOR);
    }

    @ParameterizedTest(name = "lastRoundMinRTT {0} ms -> RttThresh {1} us")
    @CsvSource({"1, 4000", "20, 4000", "32, 4000", "50, 6250", "128, 16000", "500, 16000"})
    void rttThresholdIsClampedBetween4And16Ms(long lastMs, long threshUs) {
        assertThat(HyStartPlusPlus.rttThresh(lastMs * MS)).isEqualTo(threshUs * US);
        HyStartPlusPlus below = new HyStartPlusPlus(MSS, true);
        new Rounds(below).round(10, lastMs).round(10, lastMs + (threshUs - 1) / 1000.0);
        assertThat(below.phase()).isEqualTo(Phase.SLOW_START);
        HyStartPlusPlus at = new HyStartPlusPlus(MSS, true);
        new Rounds(at).round(10, lastMs).round(10, lastMs + threshUs / 1000.0);
        assertThat(at.phase()).isEqualTo(Phase.CONSERVATIVE_SLOW_START);
    }

    @Test
    void roundsWithFewerThanEightAcksNeverLeaveSlowStart() {
        Rounds r = new Rounds(new HyStartPlusPlus(MSS, true));
        for (int i = 0; i < 10; i++) {
            r.round(7, 50 + 20 * i);
        }
        assertThat(r.h.phase()).isEqualTo(Phase.SLOW_START);
    }

    @Test
    void rttFallingBelowTheBaselineDuringCssResumesSlowStart() {
        Rounds r = new Rounds(new HyStartPlusPlus(MSS, true)).round(20, 50).round(20, 60);
        assertThat(r.h.phase()).isEqualTo(Phase.CONSERVATIVE_SLOW_START);
        r.round(20, 60); // a full CSS round at the baseline: still CSS, growth a quarter
        assertThat(r.h.phase()).isEqualTo(Phase.CONSERVATIVE_SLOW_START);
        assertThat(r.growth).isEqualTo(20L * MSS / 4);
        r.round(20, 59.9); // below cssBaselineMinRtt after 8 samples: the exit was spurious
        assertThat(r.h.phase()).isEqualTo(Phase.SLOW_START);
        assertThat(r.h.spuriousExits()).isEqualTo(1);
        assertThat(r.h.cssBaselineMinRtt()).isEqualTo(Long.MAX_VALUE);
        assertThat(r.growth).as("8 ACKs at a quarter, then 12 at full growth").isEqualTo(2L * MSS + 12L * MSS);
        r.round(20, 59.9);
        assertThat(r.h.phase()).isEqualTo(Phase.SLOW_START);
        assertThat(r.growth).isEqualTo(20L * MSS);
        r.round(20, 68); // a new rise (threshold 7.49 ms over 59.9): CSS again, rounds counted afresh
        assertThat(r.h.phase()).isEqualTo(Phase.CONSERVATIVE_SLOW_START);
        assertThat(r.h.cssRounds()).isZero();
        assertThat(r.h.slowStartExits()).isEqualTo(2);
    }

    @Test
    void fiveCssRoundsEndSlowStart() {
        Rounds r = new Rounds(new HyStartPlusPlus(MSS, true)).round(20, 50).round(20, 60);
        assertThat(r.h.phase()).isEqualTo(Phase.CONSERVATIVE_SLOW_START);
        for (int i = 1; i <= 4; i++) { // the entry round ends here, then three more
            r.round(20, 60);
            assertThat(r.h.cssRounds()).isEqualTo(i);
            assertThat(r.h.phase()).isEqualTo(Phase.CONSERVATIVE_SLOW_START);
        }
        r.round(20, 60); // its first ACK completes the fifth CSS round
        assertThat(r.h.phase()).isEqualTo(Phase.CONGESTION_AVOIDANCE);
        assertThat(r.growth).as("the boundary ACK grows nothing, later ones are the caller's business")
                .isEqualTo(19L * MSS);
    }

    @Test
    void unpacedSenderCapsGrowthPerAckAtEightSegments() {
        HyStartPlusPlus paced = new HyStartPlusPlus(MSS, true);
        HyStartPlusPlus unpaced = new HyStartPlusPlus(MSS, false);
        paced.onPacketSent(0);
        unpaced.onPacketSent(0);
        assertThat(paced.onAck(50 * MS, 20L * MSS, 0)).isEqualTo(20L * MSS);
        assertThat(unpaced.onAck(50 * MS, 20L * MSS, 0)).isEqualTo(8L * MSS);
    }

    @Test
    void cssGrowthKeepsTheRemainderOfTheDivision() {
        Rounds r = new Rounds(new HyStartPlusPlus(1201, true)).round(20, 50).round(20, 60);
        long total = 0;
        long start = r.now;
        for (int i = 0; i < 4; i++) {
            r.h.onPacketSent(start + i * US);
        }
        r.h.onAck(start + 60 * MS, 1, start); // starts the next (CSS) round
        for (int i = 1; i < 4; i++) {
            total += r.h.onAck(start + i * US + 60 * MS, 1201, start + i * US);
        }
        assertThat(total).isEqualTo((1 + 3 * 1201) / 4);
    }
}
