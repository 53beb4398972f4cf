package org.qdsr.quic.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;
import org.qdsr.quic.recovery.ReceivedPacketTracker;
import org.qdsr.quic.wire.AckFrequencyFrame;
import org.qdsr.quic.wire.ImmediateAckFrame;

/** {@link AckFrequencyPolicy} (sender) and {@link AckFrequencyReceiver} (receiver) without a network. */
class AckFrequencyPolicyTest {
    private static final long MS = 1_000_000L;
    private static final long SRTT = 20 * MS;

    private static AckFrequencyPolicy supported() {
        AckFrequencyPolicy p = new AckFrequencyPolicy(true);
        p.onPeerParameters(1000L, 25);
        return p;
    }

    @Test
    void thresholdIsAThirdOfTheWindowClampedToOneAnd1023() {
        assertThat(AckFrequencyPolicy.threshold(0)).isEqualTo(1);
        assertThat(AckFrequencyPolicy.threshold(4)).isEqualTo(1);
        assertThat(AckFrequencyPolicy.threshold(16)).isEqualTo(4);
        assertThat(AckFrequencyPolicy.threshold(400)).isEqualTo(132);
        assertThat(AckFrequencyPolicy.threshold(3072)).isEqualTo(1023);
        assertThat(AckFrequencyPolicy.threshold(3069)).isEqualTo(1022);
        assertThat(AckFrequencyPolicy.threshold(1_000_000)).isEqualTo(1023);
    }

    @Test
    void windowIsTheLargerOfOwnCwndAndExportedDelivery() {
        assertThat(AckFrequencyPolicy.windowPackets(13_500, 1350, 0)).isEqualTo(10);
        assertThat(AckFrequencyPolicy.windowPackets(13_500, 1350, 900)).isEqualTo(900);
        assertThat(AckFrequencyPolicy.windowPackets(1_350_000, 1350, 900)).isEqualTo(1000);
    }

    @Test
    void delayIsAThirdOfTheRttWithinThePeersBounds() {
        AckFrequencyPolicy p = supported();
        assertThat(p.requestedDelayMicros(20 * MS)).isEqualTo(6666);
        assertThat(p.requestedDelayMicros(MS)).isEqualTo(1000); // peer's min_ack_delay
        assertThat(p.requestedDelayMicros(400 * MS)).isEqualTo(25_000); // never above max_ack_delay
    }

    @Test
    void nothingForAPeerWithoutMinAckDelayOrWhenDisabled() {
        AckFrequencyPolicy p = new AckFrequencyPolicy(true);
        p.onPeerParameters(null, 25);
        assertThat(p.active()).isFalse();
        assertThat(p.poll(0, SRTT, 10_000)).isNull();
        AckFrequencyPolicy off = new AckFrequencyPolicy(false);
        off.onPeerParameters(1000L, 25);
        assertThat(off.peerSupports()).isTrue();
        assertThat(off.poll(0, SRTT, 10_000)).isNull();
    }

    @Test
    void firstFrameWaitsForTheWindowToGrow() {
        AckFrequencyPolicy p = supported();
        assertThat(p.poll(0, SRTT, 6)).isNull(); // threshold 1 is the default
        assertThat(p.poll(1, SRTT, 11)).isNull(); // interval 3: less than twice the default
        AckFrequencyFrame f = p.poll(2, SRTT, 12);
        assertThat(f).isEqualTo(new AckFrequencyFrame(0, 3, 6666, 3));
        assertThat(p.isCurrent(f)).isTrue();
        assertThat(p.framesSent()).isEqualTo(1);
    }

    @Test
    void updatesAtMostOncePerRttAndOnlyForAFactorOfTwo() {
        AckFrequencyPolicy p = supported();
        AckFrequencyFrame first = p.poll(0, SRTT, 30); // threshold 9, interval 10
        assertThat(first.ackElicitingThreshold()).isEqualTo(9);
        assertThat(p.poll(SRTT - 1, SRTT, 4000)).as("within one RTT").isNull();
        assertThat(p.poll(SRTT, SRTT, 57)).as("interval 19: less than twice 10").isNull();
        assertThat(p.poll(SRTT, 32 * MS, 30)).as("delay 10.7 ms: less than twice 6.7 ms").isNull();
        AckFrequencyFrame second = p.poll(SRTT, SRTT, 60);
        assertThat(second).isEqualTo(new AckFrequencyFrame(1, 19, 6666, 3));
        assertThat(p.isCurrent(first)).isFalse();
        assertThat(p.isCurrent(second)).isTrue();
        AckFrequencyFrame third = p.poll(2 * SRTT, 10 * MS, 60); // delay halves to 3.3 ms
        assertThat(third).isEqualTo(new AckFrequencyFrame(2, 19, 3333, 3));
        AckFrequencyFrame shrink = p.poll(3 * SRTT, 10 * MS, 30); // the window halved: more ACKs
        assertThat(shrink.ackElicitingThreshold()).isEqualTo(9);
    }

    @Test
    void receiverAppliesOnlyNewerFramesToEveryTracker() throws QuicException {
        AckFrequencyReceiver r = new AckFrequencyReceiver(1000);
        ReceivedPacketTracker path0 = ReceivedPacketTracker.decimating(25 * MS);
        ReceivedPacketTracker path1 = ReceivedPacketTracker.decimating(25 * MS);
        assertThat(r.onFrame(new AckFrequencyFrame(5, 20, 4000, 3))).isTrue();
        r.applyTo(path0);
        r.applyTo(path1);
        assertThat(path1.peerPolicyActive()).isTrue();
        assertThat(path1.maxAckDelayNanos()).isEqualTo(4 * MS);
        assertThat(r.onFrame(new AckFrequencyFrame(5, 1, 1000, 1))).as("same sequence").isFalse();
        assertThat(r.onFrame(new AckFrequencyFrame(4, 1, 1000, 1))).as("older").isFalse();
        assertThat(r.onFrame(ImmediateAckFrame.INSTANCE)).isFalse();
        ReceivedPacketTracker later = ReceivedPacketTracker.decimating(25 * MS);
        r.applyTo(later); // a path created afterwards gets the newest request
        assertThat(later.maxAckDelayNanos()).isEqualTo(4 * MS);
        assertThat(r.applied()).isEqualTo(1);
    }

    @Test
    void receiverRejectsFramesItNeverAllowedAndBadDelays() {
        AckFrequencyReceiver none = new AckFrequencyReceiver(-1);
        assertViolation(() -> none.onFrame(new AckFrequencyFrame(0, 10, 5000, 3)));
        assertViolation(() -> none.onFrame(ImmediateAckFrame.INSTANCE));
        AckFrequencyReceiver r = new AckFrequencyReceiver(1000);
        assertViolation(() -> r.onFrame(new AckFrequencyFrame(0, 10, 999, 3))); // below our min_ack_delay
        assertViolation(() -> r.onFrame(new AckFrequencyFrame(1, 10, (1L << 14) * 1000, 3))); // 2^14 ms
    }

    private static void assertViolation(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(QuicException.class,
                e -> assertThat(e.errorCode()).isEqualTo(TransportError.PROTOCOL_VIOLATION.code()));
    }
}
