package org.qdsr.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.qdsr.control.message.AckForward;
import org.qdsr.control.message.ControlMessage;
import org.qdsr.quic.wire.AckRange;

/** Held PATH_ACKs: union of ranges, ACK Delay plus hold time, forwarded within the hold bound. */
class AckCoalescerTest {
    private static final long MS = 1_000_000;
    private final Backend rs1 = new Backend(0, "rs1", 1);
    private final Backend rs2 = new Backend(1, "rs2", 1);
    private final List<Backend> to = new ArrayList<>();
    private final List<AckForward> sent = new ArrayList<>();
    private final AckCoalescer acks = new AckCoalescer(MS, this::record);

    private void record(Backend b, ControlMessage m) {
        to.add(b);
        sent.add((AckForward) m);
    }

    private static List<AckRange> ranges(long... pairs) {
        List<AckRange> out = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.add(new AckRange(pairs[i], pairs[i + 1]));
        }
        return out;
    }

    @Test
    void mergesSuccessiveAcksOfOnePathIntoTheirUnion() {
        HeldAck path = new HeldAck(rs1, 7, 1, 3);
        acks.add(path, ranges(0, 9), 0, 0);
        acks.add(path, ranges(15, 20, 0, 12), 0, 100_000);
        acks.add(path, ranges(30, 31, 14, 22), 0, 200_000);
        assertThat(sent).isEmpty();
        acks.flushDue(MS);
        assertThat(sent).hasSize(1);
        AckForward f = sent.get(0);
        assertThat(f.connectionKey()).isEqualTo(7);
        assertThat(f.pathId()).isEqualTo(1);
        // 13 is the only packet below 31 none of the ACKs reported: ranges 30-31, 14-22 and 0-12
        assertThat(f.ranges()).containsExactly(30, 31, 14, 22, 0, 12);
    }

    @Test
    void joinsAdjacentRangesAndKeepsOlderGaps() {
        HeldAck path = new HeldAck(rs1, 1, 2, 0);
        acks.add(path, ranges(10, 10, 5, 6), 0, 0);
        acks.add(path, ranges(7, 9), 0, 0);
        acks.add(path, ranges(12, 12, 0, 1), 0, 0);
        acks.flushDue(MS);
        assertThat(sent.get(0).ranges()).containsExactly(12, 12, 5, 10, 0, 1);
    }

    @Test
    void ackDelayIsTheLargestAcksDelayPlusTheHoldTime() {
        HeldAck path = new HeldAck(rs1, 1, 1, 3); // units of 8 us
        acks.add(path, ranges(0, 50), 100, 0); // 800 us at the client, received at t=0
        acks.add(path, ranges(0, 40), 5, 400_000); // older news: does not set the delay
        acks.flushDue(MS);
        // held 1000 us = 125 units of 8 us
        assertThat(sent.get(0).ackDelayEncoded()).isEqualTo(100 + 125);

        acks.add(path, ranges(0, 60), 2, 2 * MS);
        acks.add(path, ranges(0, 70), 4, 2 * MS + 600_000); // newest largest: its own delay and arrival
        acks.flushDue(3 * MS);
        assertThat(sent.get(1).ackDelayEncoded()).isEqualTo(4 + 400_000 / 1000 / 8);
        assertThat(sent.get(1).ranges()).containsExactly(0, 70);
    }

    @Test
    void forwardsNoLaterThanTheHoldBoundAndOneMessagePerPathPerBackend() {
        HeldAck a = new HeldAck(rs1, 1, 1, 0);
        HeldAck b = new HeldAck(rs1, 2, 1, 0);
        HeldAck c = new HeldAck(rs2, 1, 2, 0);
        acks.add(a, ranges(0, 1), 0, 0);
        acks.add(c, ranges(0, 1), 0, 300_000);
        acks.add(b, ranges(0, 1), 0, 500_000);
        acks.add(a, ranges(0, 3), 0, 900_000);
        assertThat(acks.nextDeadline()).isEqualTo(MS);
        acks.flushDue(MS - 1);
        assertThat(sent).isEmpty();
        acks.flushDue(MS); // rs1's hold ends: both of its paths leave together
        assertThat(to).containsExactly(rs1, rs1);
        assertThat(sent).extracting(AckForward::connectionKey).containsExactly(1L, 2L);
        assertThat(sent.get(0).ranges()).containsExactly(0, 3);
        assertThat(acks.nextDeadline()).isEqualTo(300_000 + MS);
        acks.flushDue(1_300_000);
        assertThat(to).containsExactly(rs1, rs1, rs2);
        assertThat(acks.nextDeadline()).isEqualTo(Long.MAX_VALUE);
        // a new ACK starts a new hold
        acks.add(a, ranges(0, 5), 0, 2 * MS);
        assertThat(acks.nextDeadline()).isEqualTo(3 * MS);
        assertThat(acks.forwarded()).isEqualTo(3);
        assertThat(acks.received()).isEqualTo(5);
    }

    @Test
    void withoutHoldTheAcksOfOneTurnLeaveTogetherAtItsEnd() {
        AckCoalescer turn = new AckCoalescer(0, this::record);
        HeldAck a = new HeldAck(rs1, 1, 1, 3);
        turn.add(a, ranges(0, 4), 9, 0);
        turn.add(a, ranges(0, 6), 9, 0);
        assertThat(sent).isEmpty();
        assertThat(turn.nextDeadline()).as("due at once").isEqualTo(0);
        turn.flushDue(0); // the end of the turn
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).ackDelayEncoded()).isEqualTo(9L);
        assertThat(sent.get(0).ranges()).containsExactly(0, 6);
        assertThat(turn.nextDeadline()).isEqualTo(Long.MAX_VALUE);
        turn.add(a, ranges(0, 8), 9, 10);
        turn.flushDue(10);
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).ranges()).containsExactly(0, 8);
    }

    @Test
    void closingConnectionFlushesItsPathsAndForgottenPathsAreDropped() {
        HeldAck a = new HeldAck(rs1, 1, 1, 0);
        HeldAck b = new HeldAck(rs1, 2, 1, 0);
        acks.add(a, ranges(0, 1), 0, 0);
        acks.add(b, ranges(0, 2), 0, 0);
        acks.flushConnection(1, 10);
        assertThat(sent).extracting(AckForward::connectionKey).containsExactly(1L);
        acks.forget(b);
        acks.flushDue(MS);
        assertThat(sent).hasSize(1); // b was forgotten, a had nothing left
        acks.add(a, ranges(0, 3), 0, 2 * MS);
        acks.forgetBackend(rs1);
        assertThat(acks.nextDeadline()).isEqualTo(Long.MAX_VALUE);
        acks.flushDue(10 * MS);
        assertThat(sent).hasSize(1);
    }

    @Test
    void keepsAtMostMaxRangesDroppingTheSmallest() {
        HeldAck a = new HeldAck(rs1, 1, 1, 0);
        for (int i = 0; i < HeldAck.MAX_RANGES + 5; i++) {
            acks.add(a, ranges(3L * i, 3L * i), 0, 0);
        }
        acks.flushDue(MS);
        long[] r = sent.get(0).ranges();
        assertThat(r).hasSize(2 * HeldAck.MAX_RANGES);
        assertThat(r[0]).isEqualTo(3L * (HeldAck.MAX_RANGES + 4));
        assertThat(r[r.length - 1]).isEqualTo(15); // ranges 0, 3, 6, 9, 12 dropped
    }
}
