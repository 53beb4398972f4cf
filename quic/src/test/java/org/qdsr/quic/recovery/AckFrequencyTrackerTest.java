package org.qdsr.quic.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The peer-requested ACK policy of {@link ReceivedPacketTracker} (draft-ietf-quic-ack-frequency-14 §4-§6). */
class AckFrequencyTrackerTest {
    private static final long MS = 1_000_000L;
    private static final long SRTT = 40 * MS;
    /** A threshold and delay large enough that only the rule under test sends ACKs. */
    private static final long HUGE = 1_000_000;

    /** Receives ack-eliciting packets at {@code now}, sending each ACK that is due; returns the pns that triggered one. */
    private static List<Long> receive(ReceivedPacketTracker t, long now, long... pns) {
        List<Long> acked = new ArrayList<>();
        for (long pn : pns) {
            t.onPacketReceived(pn, true, now, SRTT);
            if (t.wantsAckNow(now)) {
                t.onAckSent(now);
                acked.add(pn);
            }
        }
        return acked;
    }

    private static ReceivedPacketTracker withPolicy(long threshold, long delayNanos, long reordering) {
        ReceivedPacketTracker t = ReceivedPacketTracker.decimating(25 * MS);
        t.applyAckFrequency(threshold, delayNanos, reordering);
        return t;
    }

    @Test
    void ackElicitingThresholdCountsPacketsBeyondIt() {
        ReceivedPacketTracker t = withPolicy(9, HUGE * MS, 1);
        assertThat(t.peerPolicyActive()).isTrue();
        assertThat(t.decimationActive()).isFalse();
        long[] pns = new long[100];
        Arrays.setAll(pns, i -> i);
        // §6: an ACK once more than 9 ack-eliciting packets arrived since the last one: every 10th
        assertThat(receive(t, 0, pns)).containsExactly(9L, 19L, 29L, 39L, 49L, 59L, 69L, 79L, 89L, 99L);
    }

    @Test
    void thresholdZeroAcknowledgesEveryPacketAndOneEverySecond() {
        assertThat(receive(withPolicy(0, HUGE * MS, 1), 0, 0, 1, 2, 3)).containsExactly(0L, 1L, 2L, 3L);
        assertThat(receive(withPolicy(1, HUGE * MS, 1), 0, 0, 1, 2, 3)).containsExactly(1L, 3L);
    }

    @Test
    void requestedMaxAckDelayTimesTheAck() {
        ReceivedPacketTracker t = withPolicy(100, 3 * MS, 1);
        assertThat(t.maxAckDelayNanos()).isEqualTo(3 * MS);
        receive(t, 10 * MS, 0, 1);
        assertThat(t.ackDeadline()).isEqualTo(13 * MS); // from the first unacknowledged packet
        assertThat(t.wantsAckNow(13 * MS - 1)).isFalse();
        assertThat(t.wantsAckNow(13 * MS)).isTrue();
    }

    @Test
    void aNewPolicyRetimesAnOwedAck() {
        ReceivedPacketTracker t = ReceivedPacketTracker.decimating(25 * MS);
        receive(t, 0, 0); // default: every second packet, within 25 ms
        assertThat(t.ackDeadline()).isEqualTo(25 * MS);
        t.applyAckFrequency(10, 2 * MS, 1);
        assertThat(t.ackDeadline()).isEqualTo(2 * MS);
        t.applyAckFrequency(0, 2 * MS, 1); // one unacknowledged packet is now more than the threshold
        assertThat(t.wantsAckNow(0)).isTrue();
    }

    @Test
    void reorderingThresholdOneAcknowledgesEveryGapAtOnce() {
        assertThat(receive(withPolicy(HUGE, HUGE * MS, 1), 0, 0, 1, 3, 4, 2)).containsExactly(3L, 2L);
    }

    @Test
    void reorderingThresholdZeroIgnoresGaps() {
        assertThat(receive(withPolicy(HUGE, HUGE * MS, 0), 0, 0, 1, 3, 5, 9, 2, 4)).isEmpty();
    }

    /** draft-ietf-quic-ack-frequency-14 §6.2.1, Tables 1 and 2: ACKs sent only because of reordering. */
    @ParameterizedTest(name = "threshold {0}: {1} -> ACKs at {2}")
    @CsvSource({
        "3, 0 1 3 4 5 8 9 10, 5 9 10",
        "5, 0 1 3 5 6 7 8 9, 7 9",
    })
    void reorderingThresholdFollowsTheDraftsExamples(long threshold, String arrivals, String expected) {
        ReceivedPacketTracker t = withPolicy(HUGE, HUGE * MS, threshold);
        long[] pns = Arrays.stream(arrivals.split(" ")).mapToLong(Long::parseLong).toArray();
        List<Long> want = Arrays.stream(expected.split(" ")).map(Long::parseLong).toList();
        assertThat(receive(t, 0, pns)).isEqualTo(want);
    }

    @Test
    void latePacketTheSenderDeclaredLostIsAcknowledgedAtOnce() {
        ReceivedPacketTracker t = withPolicy(HUGE, HUGE * MS, 3);
        assertThat(receive(t, 0, 0, 1, 3, 4, 5)).containsExactly(5L); // largest acknowledged 5
        // §6.2 second condition: 2 <= 5 - 3, the sender has declared it lost; tell it at once
        assertThat(receive(t, 0, 2)).containsExactly(2L);
    }

    @Test
    void inOrderPacketsWithThresholdThreeNeverTriggerReorderingAcks() {
        ReceivedPacketTracker t = withPolicy(HUGE, HUGE * MS, 3);
        long[] pns = new long[500];
        Arrays.setAll(pns, i -> i);
        assertThat(receive(t, 0, pns)).isEmpty();
    }

    @Test
    void immediateAckMakesTheOwedAckDueNow() {
        ReceivedPacketTracker t = withPolicy(HUGE, HUGE * MS, 3);
        receive(t, 5 * MS, 0);
        assertThat(t.wantsAckNow(5 * MS)).isFalse();
        t.ackImmediately(5 * MS);
        assertThat(t.wantsAckNow(5 * MS)).isTrue();
        t.onAckSent(5 * MS);
        t.ackImmediately(6 * MS); // nothing owed: nothing due
        assertThat(t.ackPending()).isFalse();
    }

    @Test
    void immediateAckWorksWithTheDefaultPolicyToo() {
        ReceivedPacketTracker t = ReceivedPacketTracker.decimating(25 * MS);
        receive(t, 0, 0);
        t.ackImmediately(1);
        assertThat(t.wantsAckNow(1)).isTrue();
    }

    @Test
    void firstPacketAfterMoreThanAnRttWithoutAckIsAcknowledgedSoon() {
        ReceivedPacketTracker t = withPolicy(HUGE, HUGE * MS, 3);
        receive(t, 0, 0);
        t.onAckSent(0);
        assertThat(receive(t, SRTT, 1)).isEmpty(); // exactly one RTT: not yet idle
        t.onAckSent(SRTT);
        assertThat(receive(t, 2 * SRTT + 1, 2)).containsExactly(2L); // §6.1
    }

    @Test
    void decimationStaysTheDefaultUntilAFrameArrives() {
        ReceivedPacketTracker t = ReceivedPacketTracker.decimating(25 * MS);
        long[] pns = new long[200];
        Arrays.setAll(pns, i -> i);
        List<Long> acks = receive(t, 0, pns);
        assertThat(t.peerPolicyActive()).isFalse();
        assertThat(acks).hasSize(50 + 10); // 100 warm-up packets every second one, then every 10th
    }

    @Test
    void rejectsNegativeParameters() {
        ReceivedPacketTracker t = new ReceivedPacketTracker(25 * MS);
        assertThatThrownBy(() -> t.applyAckFrequency(-1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
