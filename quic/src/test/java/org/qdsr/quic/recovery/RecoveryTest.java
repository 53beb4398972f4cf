package org.qdsr.quic.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;
import org.qdsr.quic.wire.AckRange;

class RecoveryTest {
    private static final long MS = 1_000_000L;
    private static final long MAX_ACK_DELAY = 25 * MS;

    /** Records acked and lost packet numbers as "space:pn". */
    private static final class Log implements Recovery.Listener<String> {
        final List<String> acked = new ArrayList<>();
        final List<String> lost = new ArrayList<>();

        @Override
        public void onAcked(int space, SentPacket<String> p) {
            acked.add(space + ":" + p.pn());
        }

        @Override
        public void onLost(int space, SentPacket<String> p) {
            lost.add(space + ":" + p.pn());
            assertThat(p.payload()).isEqualTo("frames of " + p.pn());
        }
    }

    private final Log log = new Log();
    private final NewReno cc = new NewReno(1200);
    private final RttEstimator rtt = new RttEstimator();

    private Recovery<String> path() {
        return Recovery.forExtraPath(cc, rtt, MAX_ACK_DELAY);
    }

    private static void send(Recovery<String> r, int space, long pn, long timeMs) {
        r.onPacketSent(space, pn, timeMs * MS, 1000, true, true, "frames of " + pn);
    }

    private static List<AckRange> ack(long... bounds) {
        List<AckRange> out = new ArrayList<>();
        for (int i = 0; i < bounds.length; i += 2) {
            out.add(new AckRange(bounds[i], bounds[i + 1]));
        }
        return out;
    }

    @Test
    void packetThresholdThenTimeThresholdLoss() throws QuicException {
        Recovery<String> r = path();
        for (int pn = 0; pn < 5; pn++) {
            send(r, 0, pn, pn);
        }
        assertThat(r.bytesInFlight()).isEqualTo(5000);
        r.onAckReceived(0, ack(4, 4), 0, 50 * MS, log);
        assertThat(log.acked).containsExactly("0:4");
        assertThat(log.lost).containsExactly("0:0", "0:1"); // 4 >= pn + kPacketThreshold
        assertThat(r.largestAcked(0)).isEqualTo(4);
        assertThat(r.bytesInFlight()).isEqualTo(2000);
        assertThat(cc.congestionWindow()).isEqualTo(6000); // one congestion event
        // latest = smoothed = 46 ms; loss delay = 9/8 * 46 = 51.75 ms after pn 2 was sent (2 ms)
        assertThat(r.lossDetectionTimer()).isEqualTo(53_750_000L);

        r.onLossDetectionTimeout(53 * MS, log); // early: ignored
        assertThat(log.lost).hasSize(2);
        r.onLossDetectionTimeout(53_750_000L, log);
        assertThat(log.lost).containsExactly("0:0", "0:1", "0:2");
        assertThat(r.lossDetectionTimer()).isEqualTo(54_750_000L);
        assertThat(cc.congestionWindow()).isEqualTo(6000); // same recovery period
        assertThat(r.ptoCount()).isZero();
    }

    @Test
    void ptoFiresWithExponentialBackoff() throws QuicException {
        Recovery<String> r = path();
        send(r, 0, 0, 0);
        // no RTT sample: 333 + 4 * 166.5 + 25 ms
        long pto = 1024 * MS;
        assertThat(r.lossDetectionTimer()).isEqualTo(pto);
        r.onLossDetectionTimeout(pto, log);
        assertThat(r.ptoCount()).isEqualTo(1);
        assertThat(r.ptoProbesWanted(0)).isEqualTo(2);
        assertThat(log.lost).isEmpty(); // a PTO declares nothing lost
        assertThat(r.lossDetectionTimer()).isEqualTo(2 * pto);

        r.onPacketSent(0, 1, pto, 1000, true, true, "probe");
        assertThat(r.ptoProbesWanted(0)).isEqualTo(1);
        r.consumeProbe(0);
        assertThat(r.ptoProbesWanted(0)).isZero();
        assertThat(r.lossDetectionTimer()).isEqualTo(pto + 2 * pto);
        r.onLossDetectionTimeout(3 * pto, log);
        assertThat(r.ptoCount()).isEqualTo(2);
        assertThat(r.lossDetectionTimer()).isEqualTo(pto + 4 * pto);

        r.onAckReceived(0, ack(1, 1), 0, 3 * pto + MS, log);
        assertThat(r.ptoCount()).isZero(); // backoff reset by an ACK
    }

    @Test
    void ackOfUnsentPacketIsProtocolViolation() {
        Recovery<String> r = path();
        send(r, 0, 0, 0);
        send(r, 0, 1, 1);
        send(r, 0, 3, 2); // pn 2 skipped
        assertThatThrownBy(() -> r.onAckReceived(0, ack(4, 4), 0, 10 * MS, log))
                .isInstanceOfSatisfying(QuicException.class, e ->
                        assertThat(e.errorCode()).isEqualTo(TransportError.PROTOCOL_VIOLATION.code()));
        assertThatThrownBy(() -> r.onAckReceived(0, ack(2, 3), 0, 10 * MS, log))
                .isInstanceOf(QuicException.class);
        assertThat(log.acked).isEmpty();
        assertThat(r.bytesInFlight()).isEqualTo(3000);
    }

    @Test
    void rttSampleOnlyWhenLargestIsNewlyAckedAndAckEliciting() throws QuicException {
        Recovery<String> r = path();
        send(r, 0, 0, 0);
        send(r, 0, 1, 10);
        r.onAckReceived(0, ack(0, 0), 0, 60 * MS, log);
        assertThat(rtt.latestRtt()).isEqualTo(60 * MS);
        r.onAckReceived(0, ack(0, 1), 0, 100 * MS, log);
        assertThat(rtt.latestRtt()).isEqualTo(90 * MS);
        r.onAckReceived(0, ack(0, 1), 0, 500 * MS, log); // nothing newly acked
        assertThat(rtt.latestRtt()).isEqualTo(90 * MS);
        r.onPacketSent(0, 2, 510 * MS, 50, false, false, "ack only");
        r.onAckReceived(0, ack(0, 2), 0, 600 * MS, log); // newly acked, but not ack-eliciting
        assertThat(rtt.latestRtt()).isEqualTo(90 * MS);
        assertThat(log.acked).containsExactly("0:0", "0:1", "0:2");
    }

    @Test
    void ackDelayIsSubtractedFromTheSample() throws QuicException {
        Recovery<String> r = path();
        send(r, 0, 0, 0);
        r.onAckReceived(0, ack(0, 0), 0, 100 * MS, log);
        send(r, 0, 1, 100);
        r.onAckReceived(0, ack(1, 1), 40 * MS, 240 * MS, log); // capped to 25 ms: adjusted 115
        assertThat(rtt.smoothedRtt()).isEqualTo((7 * 100 * MS + 115 * MS) / 8);
    }

    @Test
    void discardSpaceRemovesBytesWithoutDeclaringLoss() throws QuicException {
        Recovery<String> r = Recovery.forPath0(cc, rtt, MAX_ACK_DELAY);
        r.setPeerAddressValidated(true);
        r.setSpaceEnabled(Recovery.HANDSHAKE, true);
        send(r, Recovery.INITIAL, 0, 0);
        send(r, Recovery.INITIAL, 1, 1);
        send(r, Recovery.HANDSHAKE, 0, 2);
        assertThat(r.bytesInFlight()).isEqualTo(3000);
        r.onLossDetectionTimeout(r.lossDetectionTimer(), log);
        assertThat(r.ptoCount()).isEqualTo(1);
        assertThat(r.ptoProbesWanted(Recovery.INITIAL)).isEqualTo(2); // earliest PTO is Initial's

        r.discardSpace(Recovery.INITIAL);
        assertThat(r.bytesInFlight()).isEqualTo(1000);
        assertThat(r.ptoCount()).isZero();
        assertThat(r.ptoProbesWanted(Recovery.INITIAL)).isZero();
        assertThat(log.lost).isEmpty();
        assertThat(r.lossDetectionTimer()).isEqualTo(2 * MS + 999 * MS); // Handshake: no max_ack_delay
        r.onAckReceived(Recovery.INITIAL, ack(0, 1), 0, 50 * MS, log); // ignored
        assertThat(log.acked).isEmpty();
        assertThatThrownBy(() -> send(r, Recovery.INITIAL, 2, 60)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void applicationPtoWaitsForHandshakeConfirmation() {
        Recovery<String> r = Recovery.forPath0(cc, rtt, MAX_ACK_DELAY);
        r.setPeerAddressValidated(true);
        send(r, Recovery.APPLICATION, 0, 0);
        assertThat(r.lossDetectionTimer()).isEqualTo(Long.MAX_VALUE);
        r.setHandshakeConfirmed(true);
        assertThat(r.lossDetectionTimer()).isEqualTo(1024 * MS);
    }

    @Test
    void antiDeadlockProbeWhileAddressUnvalidated() throws QuicException {
        Recovery<String> r = Recovery.forPath0(cc, rtt, MAX_ACK_DELAY);
        send(r, Recovery.INITIAL, 0, 0);
        r.onAckReceived(Recovery.INITIAL, ack(0, 0), 0, 100 * MS, log);
        // nothing in flight, but the client's address is not validated: PTO from now
        // smoothed 100, rttvar 50 -> 300 ms
        assertThat(r.lossDetectionTimer()).isEqualTo(400 * MS);
        r.onLossDetectionTimeout(400 * MS, log);
        assertThat(r.ptoProbesWanted(Recovery.INITIAL)).isEqualTo(1);
        assertThat(r.lossDetectionTimer()).isEqualTo(1000 * MS); // backoff doubled
        r.setSpaceEnabled(Recovery.HANDSHAKE, true);
        r.onLossDetectionTimeout(1000 * MS, log);
        assertThat(r.ptoProbesWanted(Recovery.HANDSHAKE)).isEqualTo(1);
        r.setPeerAddressValidated(true);
        assertThat(r.lossDetectionTimer()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void amplificationLimitDisarmsPto() {
        Recovery<String> r = Recovery.forPath0(cc, rtt, MAX_ACK_DELAY);
        send(r, Recovery.INITIAL, 0, 0);
        r.setAmplificationLimited(true);
        assertThat(r.lossDetectionTimer()).isEqualTo(Long.MAX_VALUE);
        r.setAmplificationLimited(false);
        assertThat(r.lossDetectionTimer()).isEqualTo(999 * MS);
    }

    @Test
    void persistentCongestionCollapsesWindow() throws QuicException {
        Recovery<String> r = path();
        send(r, 0, 0, 0);
        r.onAckReceived(0, ack(0, 0), 0, 100 * MS, log); // first RTT sample at 100 ms
        // duration = 3 * (100 + 4 * 50 + 25) = 975 ms
        send(r, 0, 1, 200);
        send(r, 0, 2, 1300);
        for (int pn = 3; pn <= 5; pn++) {
            send(r, 0, pn, 1400 + pn);
        }
        r.onAckReceived(0, ack(5, 5), 0, 1500 * MS, log);
        assertThat(log.lost).containsExactly("0:1", "0:2");
        // collapsed to 2 * 1200; persistent congestion ends the recovery period (RFC 9002 §B.8),
        // so the 1000 bytes acknowledged in the same ACK count in slow start
        assertThat(cc.congestionWindow()).isEqualTo(2400 + 1000);
    }

    @Test
    void anAckInsideTheLossPeriodPreventsPersistentCongestion() throws QuicException {
        Recovery<String> r = path();
        send(r, 0, 0, 0);
        r.onAckReceived(0, ack(0, 0), 0, 100 * MS, log);
        send(r, 0, 1, 200);
        send(r, 0, 2, 700);
        send(r, 0, 3, 1300);
        for (int pn = 4; pn <= 6; pn++) {
            send(r, 0, pn, 1400 + pn);
        }
        r.onAckReceived(0, ack(6, 6, 2, 2), 0, 1500 * MS, log);
        assertThat(log.lost).containsExactly("0:1", "0:3");
        assertThat(cc.congestionWindow()).isEqualTo(13000 / 2); // halved, not collapsed
    }

    @Test
    void canSendChecksTheCongestionWindow() {
        Recovery<String> r = path();
        for (int pn = 0; pn < 11; pn++) {
            send(r, 0, pn, pn);
        }
        assertThat(r.canSend(1000)).isTrue(); // 11000 + 1000 <= 12000
        assertThat(r.canSend(1001)).isFalse();
        assertThat(r.largestSent(0)).isEqualTo(10);
    }

    @Test
    void manyPacketsGrowTheRingAndAckInAnyOrder() throws QuicException {
        Recovery<String> r = path();
        for (int pn = 0; pn < 1000; pn++) {
            send(r, 0, pn, 0);
        }
        r.onAckReceived(0, ack(900, 999, 500, 600, 0, 100), 0, 50 * MS, log);
        assertThat(log.acked).hasSize(100 + 101 + 101);
        assertThat(log.lost).hasSize(399 + 299); // 101..499 and 601..899, all below 999 - 3
        assertThat(log.lost).contains("0:101", "0:499", "0:601", "0:899").doesNotContain("0:100", "0:900");
        assertThat(r.bytesInFlight()).isZero();
    }
}
