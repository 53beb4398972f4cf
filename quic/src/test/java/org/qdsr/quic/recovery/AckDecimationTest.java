package org.qdsr.quic.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** ACK decimation in {@link ReceivedPacketTracker}: warm-up, every 10th, RTT-capped timer, gaps at once. */
class AckDecimationTest {
    private static final long MS = 1_000_000L;
    private static final long SRTT = 8 * MS;

    /** Receives {@code count} in-order ack-eliciting packets from {@code first}, sending every ACK that is due. */
    private static int receiveInOrder(ReceivedPacketTracker t, long first, int count, long now) {
        int acks = 0;
        for (long pn = first; pn < first + count; pn++) {
            t.onPacketReceived(pn, true, now, SRTT);
            if (t.wantsAckNow(now)) {
                t.onAckSent(now);
                acks++;
            }
        }
        return acks;
    }

    private static ReceivedPacketTracker warmedUp() {
        ReceivedPacketTracker t = ReceivedPacketTracker.decimating(25 * MS);
        receiveInOrder(t, 0, (int) ReceivedPacketTracker.DECIMATION_WARMUP, 0);
        assertThat(t.decimationActive()).isTrue();
        assertThat(t.ackPending()).isFalse();
        return t;
    }

    @Test
    void acknowledgesEverySecondPacketDuringWarmUp() {
        ReceivedPacketTracker t = ReceivedPacketTracker.decimating(25 * MS);
        int acks = receiveInOrder(t, 0, 100, 0);
        assertThat(acks).isEqualTo(50);
    }

    @Test
    void acknowledgesEveryTenthPacketAfterWarmUp() {
        ReceivedPacketTracker t = warmedUp();
        for (long pn = 100; pn < 109; pn++) {
            t.onPacketReceived(pn, true, MS, SRTT);
            assertThat(t.wantsAckNow(MS)).as("pn %d", pn).isFalse();
        }
        t.onPacketReceived(109, true, MS, SRTT);
        assertThat(t.wantsAckNow(MS)).isTrue();
        t.onAckSent(MS);
        assertThat(receiveInOrder(t, 110, 1000, 2 * MS)).isEqualTo(100);
    }

    @Test
    void withoutDecimationEverySecondPacketIsAcknowledged() {
        ReceivedPacketTracker t = new ReceivedPacketTracker(25 * MS);
        assertThat(receiveInOrder(t, 0, 1100, 0)).isEqualTo(550);
        assertThat(t.decimationActive()).isFalse();
    }

    @Test
    void timerIsAQuarterOfTheSmoothedRttWhenThatIsBelowMaxAckDelay() {
        ReceivedPacketTracker t = warmedUp();
        t.onPacketReceived(100, true, 10 * MS, SRTT);
        assertThat(t.ackDeadline()).isEqualTo(10 * MS + SRTT / 4);
        t.onPacketReceived(101, true, 11 * MS, SRTT); // later packets do not push the deadline out
        assertThat(t.ackDeadline()).isEqualTo(10 * MS + SRTT / 4);
        assertThat(t.wantsAckNow(10 * MS + SRTT / 4 - 1)).isFalse();
        assertThat(t.wantsAckNow(10 * MS + SRTT / 4)).isTrue();
    }

    @Test
    void timerIsMaxAckDelayWhenTheRttIsLong() {
        ReceivedPacketTracker t = warmedUp();
        t.onPacketReceived(100, true, 10 * MS, 400 * MS);
        assertThat(t.ackDeadline()).isEqualTo(35 * MS);
    }

    @Test
    void gapIsAcknowledgedAtOnce() {
        ReceivedPacketTracker t = warmedUp();
        t.onPacketReceived(100, true, MS, SRTT);
        assertThat(t.wantsAckNow(MS)).isFalse();
        t.onPacketReceived(102, true, MS, SRTT); // 101 missing
        assertThat(t.wantsAckNow(MS)).isTrue();
        t.onAckSent(MS);
        t.onPacketReceived(101, true, 2 * MS, SRTT); // fills the gap: below the largest, also at once
        assertThat(t.wantsAckNow(2 * MS)).isTrue();
    }

    @Test
    void nonAckElicitingPacketsNeitherCountNorArmTheTimer() {
        ReceivedPacketTracker t = warmedUp();
        for (long pn = 100; pn < 130; pn++) {
            t.onPacketReceived(pn, false, MS, SRTT);
        }
        assertThat(t.ackPending()).isFalse();
        assertThat(t.ackDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void zeroMaxAckDelayStillAcknowledgesImmediately() {
        ReceivedPacketTracker t = new ReceivedPacketTracker(0, 1, 256, 0, 10);
        t.onPacketReceived(0, true, 5, SRTT);
        assertThat(t.wantsAckNow(5)).isTrue();
    }
}
