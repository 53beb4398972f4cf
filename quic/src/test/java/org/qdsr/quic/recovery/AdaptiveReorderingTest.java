package org.qdsr.quic.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.wire.AckRange;

/** RFC 9002 §6.1.1: an adaptive packet threshold that grows when losses turn out spurious. */
class AdaptiveReorderingTest {
    private static final long MS = 1_000_000;

    @Test
    void reorderingBeyondThreeGrowsTheThresholdAfterTheFirstSpuriousLoss() throws Exception {
        Recovery<String> r = Recovery.forPath0(new NewReno(1350), new RttEstimator(), 25 * MS);
        r.setHandshakeConfirmed(true);
        r.setPeerAddressValidated(true);
        LossLog log = new LossLog();
        long now = 0;
        for (long pn = 0; pn < 40; pn++) {
            r.onPacketSent(Recovery.APPLICATION, pn, now, 1200, true, true, "p" + pn);
        }
        now += 10 * MS;
        // 0 arrives 6 packets late: 1..6 acknowledged first, so 0 is declared lost (threshold 3) ...
        r.onAckReceived(Recovery.APPLICATION, List.of(new AckRange(1, 6)), 0, now, log);
        assertThat(log.lost).containsExactly(0L);
        // ... then acknowledged after all: the threshold grows to cover the distance seen
        r.onAckReceived(Recovery.APPLICATION, List.of(new AckRange(0, 6)), 0, now + MS, log);
        assertThat(r.spuriousLosses()).isEqualTo(1);
        assertThat(r.packetThreshold()).isGreaterThanOrEqualTo(7);
        // the same reordering again (10 arrives after 11..16) is no longer called a loss
        r.onAckReceived(Recovery.APPLICATION, List.of(new AckRange(11, 16), new AckRange(0, 9)), 0, now + 2 * MS, log);
        assertThat(log.lost).containsExactly(0L);
    }

    @Test
    void thresholdStaysAtThreeWithoutSpuriousLosses() throws Exception {
        Recovery<String> r = Recovery.forPath0(new NewReno(1350), new RttEstimator(), 25 * MS);
        r.setHandshakeConfirmed(true);
        LossLog log = new LossLog();
        for (long pn = 0; pn < 10; pn++) {
            r.onPacketSent(Recovery.APPLICATION, pn, 0, 1200, true, true, "p" + pn);
        }
        r.onAckReceived(Recovery.APPLICATION, List.of(new AckRange(4, 9)), 0, 10 * MS, log);
        assertThat(log.lost).containsExactly(0L, 1L, 2L, 3L);
        assertThat(r.packetThreshold()).isEqualTo(Recovery.PACKET_THRESHOLD);
        assertThat(r.spuriousLosses()).isZero();
    }
}
