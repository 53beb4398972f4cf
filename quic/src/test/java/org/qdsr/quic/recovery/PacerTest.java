package org.qdsr.quic.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PacerTest {
    private static final long MS = 1_000_000L;

    /** After a 10-packet burst, packets are spaced by size / (N * cwnd / srtt). */
    @ParameterizedTest(name = "cwnd={0} srtt={1}ms slowStart={2}")
    @CsvSource({
        // cwnd, srtt ms, slow start, expected gap (us): 1200 * srtt / (N * cwnd)
        "12000,  100, false, 8000",
        "12000,  100, true,  5000",
        "120000, 100, false, 800",
        "24000,  10,  false, 400",
    })
    void spacesPacketsAfterTheBurst(long cwnd, long srttMs, boolean slowStart, long gapUs) {
        Pacer p = new Pacer(1200);
        long now = 5 * MS;
        for (int i = 0; i < Pacer.BURST_PACKETS; i++) {
            assertThat(p.nextSendTime(now, 1200, cwnd, srttMs * MS, slowStart)).isEqualTo(now);
            p.onPacketSent(now, 1200);
        }
        long next = p.nextSendTime(now, 1200, cwnd, srttMs * MS, slowStart);
        assertThat(next - now).isBetween(gapUs * 1000, gapUs * 1000 + 1);
        assertThat(p.nextSendTime(next, 1200, cwnd, srttMs * MS, slowStart)).isEqualTo(next);
        p.onPacketSent(next, 1200);
        long after = p.nextSendTime(next, 1200, cwnd, srttMs * MS, slowStart);
        assertThat(after - next).isBetween(gapUs * 1000 - 1, gapUs * 1000 + 1);
    }

    @Test
    void idleTimeRefillsOnlyUpToTheBurst() {
        Pacer p = new Pacer(1000);
        long now = 0;
        p.nextSendTime(now, 1000, 10_000, 100 * MS);
        now += 10_000 * MS; // long idle
        int sentNow = 0;
        while (p.nextSendTime(now, 1000, 10_000, 100 * MS) == now) {
            p.onPacketSent(now, 1000);
            sentNow++;
        }
        assertThat(sentNow).isEqualTo(Pacer.BURST_PACKETS);
    }

    @Test
    void noRttEstimateMeansNoPacing() {
        Pacer p = new Pacer(1200);
        for (int i = 0; i < 50; i++) {
            p.onPacketSent(0, 1200);
        }
        assertThat(p.nextSendTime(0, 1200, 12000, 0)).isZero();
    }
}
