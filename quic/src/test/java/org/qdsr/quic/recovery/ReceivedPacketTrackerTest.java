package org.qdsr.quic.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.qdsr.quic.wire.AckRange;

class ReceivedPacketTrackerTest {
    private static final long MS = 1_000_000L;

    private static String format(List<AckRange> ranges) {
        return ranges.stream().map(r -> r.smallest() == r.largest() ? "" + r.largest()
                : r.smallest() + "-" + r.largest()).collect(Collectors.joining(" "));
    }

    private static ReceivedPacketTracker receive(String arrivals) {
        ReceivedPacketTracker t = new ReceivedPacketTracker(25 * MS);
        Arrays.stream(arrivals.split(" ")).mapToLong(Long::parseLong).forEach(pn -> t.onPacketReceived(pn, true, 0));
        return t;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0 1 2 3, 0-3",
        "0 1 2 5 6 4 9, 9 4-6 0-2",
        "0 1 2 5 6 4 9 3, 9 0-6",
        "9 7 5 3 1, 9 7 5 3 1",
        "5 3 4, 3-5",
        "1 3 2 2 3, 1-3",
        "10 0 5 6 4 11, 10-11 4-6 0",
    })
    void buildsDescendingRangesFromArrivals(String arrivals, String expected) {
        ReceivedPacketTracker t = receive(arrivals);
        assertThat(format(t.ackRanges(100))).isEqualTo(expected);
        assertThat(t.rangeCount()).isEqualTo(expected.split(" ").length);
    }

    @Test
    void detectsDuplicates() {
        ReceivedPacketTracker t = receive("0 1 2 5 6 9");
        for (long pn : new long[] {0, 1, 2, 5, 6, 9}) {
            assertThat(t.isDuplicate(pn)).as("pn %d", pn).isTrue();
        }
        for (long pn : new long[] {3, 4, 7, 8, 10, 1000}) {
            assertThat(t.isDuplicate(pn)).as("pn %d", pn).isFalse();
        }
    }

    @Test
    void ackElicitingThresholdTriggersImmediateAck() {
        ReceivedPacketTracker t = new ReceivedPacketTracker(25 * MS);
        t.onPacketReceived(0, true, 100 * MS);
        assertThat(t.ackPending()).isTrue();
        assertThat(t.ackDeadline()).isEqualTo(125 * MS);
        assertThat(t.wantsAckNow(110 * MS)).isFalse();
        assertThat(t.wantsAckNow(125 * MS)).isTrue();
        t.onPacketReceived(1, true, 110 * MS);
        assertThat(t.wantsAckNow(110 * MS)).isTrue();
        assertThat(t.ackDelayNanos(113 * MS)).isEqualTo(3 * MS);
        t.onAckSent(113 * MS);
        assertThat(t.ackPending()).isFalse();
        assertThat(t.ackDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void configurableThreshold() {
        ReceivedPacketTracker t = new ReceivedPacketTracker(25 * MS, 4, 256);
        for (int pn = 0; pn < 3; pn++) {
            t.onPacketReceived(pn, true, 0);
            assertThat(t.wantsAckNow(0)).isFalse();
        }
        t.onPacketReceived(3, true, 0);
        assertThat(t.wantsAckNow(0)).isTrue();
    }

    @Test
    void gapAndReorderingTriggerImmediateAck() {
        ReceivedPacketTracker t = new ReceivedPacketTracker(25 * MS, 10, 256);
        t.onPacketReceived(0, true, 0);
        assertThat(t.wantsAckNow(0)).isFalse();
        t.onPacketReceived(2, true, MS); // gap: 1 missing
        assertThat(t.wantsAckNow(MS)).isTrue();
        t.onAckSent(MS);
        t.onPacketReceived(1, true, 2 * MS); // below the largest received
        assertThat(t.wantsAckNow(2 * MS)).isTrue();
    }

    @Test
    void nonAckElicitingPacketsAreTrackedButOweNoAck() {
        ReceivedPacketTracker t = new ReceivedPacketTracker(25 * MS);
        t.onPacketReceived(0, false, 0);
        t.onPacketReceived(3, false, 0);
        assertThat(t.ackPending()).isFalse();
        assertThat(t.ackDeadline()).isEqualTo(Long.MAX_VALUE);
        assertThat(format(t.ackRanges(10))).isEqualTo("3 0");
    }

    @Test
    void zeroMaxAckDelayAcknowledgesImmediately() {
        ReceivedPacketTracker t = new ReceivedPacketTracker(0);
        t.onPacketReceived(0, true, 7);
        assertThat(t.wantsAckNow(7)).isTrue();
    }

    @Test
    void ackOfAckPrunesOldRanges() {
        ReceivedPacketTracker t = receive("0 1 2 4 5 6 9");
        t.onAckOfAckReceived(5);
        assertThat(format(t.ackRanges(10))).isEqualTo("9 6");
        assertThat(t.floor()).isEqualTo(6);
        assertThat(t.isDuplicate(3)).isTrue(); // below the window: treated as duplicate
        assertThat(t.isDuplicate(7)).isFalse();
        t.onAckOfAckReceived(2); // older ACK acknowledged later: no effect
        assertThat(format(t.ackRanges(10))).isEqualTo("9 6");
        t.onAckOfAckReceived(9);
        assertThat(t.rangeCount()).isZero();
        assertThat(t.ackPending()).isFalse();
        t.onPacketReceived(10, true, 0);
        assertThat(format(t.ackRanges(10))).isEqualTo("10");
    }

    @Test
    void rangeCountIsCappedDroppingTheOldest() {
        ReceivedPacketTracker t = new ReceivedPacketTracker(25 * MS, 2, 4);
        for (long pn = 0; pn <= 10; pn += 2) {
            t.onPacketReceived(pn, true, 0);
        }
        assertThat(format(t.ackRanges(100))).isEqualTo("10 8 6 4");
        assertThat(t.isDuplicate(1)).isTrue();
        assertThat(t.isDuplicate(3)).isFalse();
        assertThat(format(t.ackRanges(2))).isEqualTo("10 8");
        assertThat(t.rangeLargest(0)).isEqualTo(10);
        assertThat(t.rangeSmallest(3)).isEqualTo(4);
    }
}
