package org.qdsr.quic.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.wire.AckRange;

/**
 * Loss detection with several senders in one packet-number space (QDSR instructed mode): a
 * packet is judged only against later acknowledged packets of its own sender.
 */
class SenderLanesTest {
    private static final long MS = 1_000_000;

    private static Recovery<String> recovery() {
        Recovery<String> r = Recovery.forPath0(new NewReno(1350), new RttEstimator(), 25 * MS);
        r.setHandshakeConfirmed(true);
        r.setPeerAddressValidated(true);
        return r;
    }

    @Test
    void anotherSendersLaterPacketsDoNotMakeAPacketLost() throws Exception {
        Recovery<String> r = recovery();
        LossLog log = new LossLog();
        for (long pn = 0; pn < 20; pn++) { // 0..9 from sender 1, 10..19 from sender 2, instructed together
            r.onPacketSent(Recovery.APPLICATION, pn, 0, 1200, true, true, "p" + pn, pn < 10 ? 1 : 2);
        }
        // sender 2 was quicker: all of its packets arrive long before sender 1's (beyond both thresholds)
        r.onAckReceived(Recovery.APPLICATION, List.of(new AckRange(10, 19)), 0, 5 * MS, log);
        r.onAckReceived(Recovery.APPLICATION, List.of(new AckRange(10, 19)), 0, 50 * MS, log);
        assertThat(log.lost).isEmpty();
        assertThat(r.lossDetectionTimer()).isLessThan(Long.MAX_VALUE); // the PTO still guards them
        r.onAckReceived(Recovery.APPLICATION, List.of(new AckRange(0, 19)), 0, 51 * MS, log);
        assertThat(log.lost).isEmpty();
        assertThat(r.spuriousLosses()).isZero();
        assertThat(r.bytesInFlight()).isZero();
    }

    @Test
    void laterPacketsOfTheSameSenderStillDeclareLoss() throws Exception {
        Recovery<String> r = recovery();
        LossLog log = new LossLog();
        for (long pn = 0; pn < 20; pn++) {
            r.onPacketSent(Recovery.APPLICATION, pn, 0, 1200, true, true, "p" + pn, pn < 10 ? 1 : 2);
        }
        // sender 1's packet 2 is missing while 3..9 (same sender) arrived: packet threshold (RFC 9002 §6.1.1)
        r.onAckReceived(Recovery.APPLICATION, List.of(new AckRange(3, 9), new AckRange(0, 1)), 0, 5 * MS, log);
        assertThat(log.lost).containsExactly(2L);
        assertThat(r.packetsLost()).isEqualTo(1);
    }

    @Test
    void timeThresholdAppliesWithinOneSender() throws Exception {
        Recovery<String> r = recovery();
        LossLog log = new LossLog();
        r.onPacketSent(Recovery.APPLICATION, 0, 0, 1200, true, true, "a", 1);
        r.onPacketSent(Recovery.APPLICATION, 1, 0, 1200, true, true, "b", 1);
        r.onPacketSent(Recovery.APPLICATION, 2, 0, 1200, true, true, "c", 2);
        // 1 (sender 1) acknowledged, 0 not: lost once 9/8 RTT passed (RFC 9002 §6.1.2); 2 (sender 2) is not judged
        r.onAckReceived(Recovery.APPLICATION, List.of(new AckRange(1, 1)), 0, 10 * MS, log);
        assertThat(log.lost).isEmpty();
        r.onLossDetectionTimeout(r.lossDetectionTimer(), log);
        assertThat(log.lost).containsExactly(0L);
        assertThat(r.packetsLostByTime()).isEqualTo(1);
    }

    @Test
    void theEndpointsOwnPacketsAreJudgedAgainstAnySender() throws Exception {
        Recovery<String> r = recovery();
        LossLog log = new LossLog();
        r.onPacketSent(Recovery.APPLICATION, 0, 0, 1200, true, true, "own");
        for (long pn = 1; pn < 6; pn++) {
            r.onPacketSent(Recovery.APPLICATION, pn, 0, 1200, true, true, "p" + pn, 1);
        }
        r.onAckReceived(Recovery.APPLICATION, List.of(new AckRange(1, 5)), 0, 5 * MS, log);
        assertThat(log.lost).containsExactly(0L);
    }

    @Test
    void aSendersLostLastPacketIsLostOncePacketsSentWellAfterItAreAcknowledged() throws Exception {
        Recovery<String> r = recovery();
        LossLog log = new LossLog();
        r.onPacketSent(Recovery.APPLICATION, 0, 0, 1200, true, true, "last of sender 1", 1);
        r.onPacketSent(Recovery.APPLICATION, 1, MS, 1200, true, true, "sender 2", 2);
        r.onAckReceived(Recovery.APPLICATION, List.of(new AckRange(1, 1)), 0, 3 * MS, log);
        assertThat(log.lost).as("within the slack a late sender is not given up").isEmpty();
        long later = 60 * MS; // e.g. a PTO probe of the endpoint itself, sent long after packet 0
        r.onPacketSent(Recovery.APPLICATION, 2, later, 1200, true, true, "probe");
        r.onAckReceived(Recovery.APPLICATION, List.of(new AckRange(1, 2)), 0, later + 2 * MS, log);
        assertThat(log.lost).containsExactly(0L);
    }
}
