package org.qdsr.quic.wire;

import java.util.List;

/**
 * ACK (RFC 9000 §19.3, types 0x02/0x03) or, when {@code pathId >= 0}, PATH_ACK
 * (draft-ietf-quic-multipath-21 §8.1, types 0x3e/0x3f). The ECN variant is used when
 * {@code ecn != null}. {@code ackDelay} is the raw encoded value (not scaled by the
 * ack_delay_exponent). {@code ranges} are in descending order, non-overlapping and
 * non-adjacent; the first contains {@code largestAcknowledged}.
 */
public record AckFrame(long pathId, long largestAcknowledged, long ackDelay, List<AckRange> ranges,
        EcnCounts ecn) implements Frame {
    public static final long TYPE = 0x02;
    public static final long TYPE_ECN = 0x03;
    public static final long TYPE_PATH_ACK = 0x3e;
    public static final long TYPE_PATH_ACK_ECN = 0x3f;

    public AckFrame {
        ranges = List.copyOf(ranges);
        if (pathId < -1 || pathId > VarInt.MAX || ranges.isEmpty()) {
            throw new IllegalArgumentException("bad ACK frame");
        }
        if (ranges.get(0).largest() != largestAcknowledged) {
            throw new IllegalArgumentException("first range must contain the largest acknowledged");
        }
        VarInt.size(ackDelay);
        for (int i = 1; i < ranges.size(); i++) {
            if (ranges.get(i).largest() + 1 >= ranges.get(i - 1).smallest()) {
                throw new IllegalArgumentException("ACK ranges not descending with gaps");
            }
        }
    }

    @Override
    public long type() {
        if (pathId < 0) {
            return ecn == null ? TYPE : TYPE_ECN;
        }
        return ecn == null ? TYPE_PATH_ACK : TYPE_PATH_ACK_ECN;
    }

    @Override
    public boolean ackEliciting() {
        return false;
    }

    @Override
    public boolean congestionControlled() {
        return false;
    }

    @Override
    public void write(ByteWriter w) {
        w.writeVarInt(type());
        if (pathId >= 0) {
            w.writeVarInt(pathId);
        }
        AckRange first = ranges.get(0);
        w.writeVarInt(largestAcknowledged).writeVarInt(ackDelay).writeVarInt(ranges.size() - 1)
                .writeVarInt(first.largest() - first.smallest());
        for (int i = 1; i < ranges.size(); i++) {
            AckRange r = ranges.get(i);
            w.writeVarInt(ranges.get(i - 1).smallest() - r.largest() - 2);
            w.writeVarInt(r.largest() - r.smallest());
        }
        if (ecn != null) {
            ecn.write(w);
        }
    }

    @Override
    public int encodedLength() {
        return lengthOf(pathId, ranges, ranges.size(), ackDelay, ecn);
    }

    /** The encoded length of an ACK carrying only the first {@code rangeCount} of {@code ranges}. */
    static int lengthOf(long pathId, List<AckRange> ranges, int rangeCount, long ackDelay,
            EcnCounts ecn) {
        AckRange first = ranges.get(0);
        int n = pathId >= 0 ? 1 + VarInt.size(pathId) : 1;
        n += VarInt.size(first.largest()) + VarInt.size(ackDelay) + VarInt.size(rangeCount - 1L)
                + VarInt.size(first.largest() - first.smallest());
        for (int i = 1; i < rangeCount; i++) {
            AckRange r = ranges.get(i);
            n += VarInt.size(ranges.get(i - 1).smallest() - r.largest() - 2)
                    + VarInt.size(r.largest() - r.smallest());
        }
        return ecn == null ? n : n + ecn.encodedLength();
    }
}
