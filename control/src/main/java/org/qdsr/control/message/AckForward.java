package org.qdsr.control.message;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.qdsr.quic.wire.AckRange;

/**
 * LB to RS (hot path): the client's acknowledgements of the packets the RS sent on path
 * {@code pathId} (a PATH_ACK, draft-ietf-quic-multipath-21 §4.4, or an ACK for path 0, RFC 9000
 * §19.3). {@code ackDelayEncoded} is the raw ACK Delay field (scale with the client's
 * ack_delay_exponent). {@code ranges} holds pairs {@code smallest, largest}, largest range first,
 * strictly descending and separated by at least one unacknowledged packet, as in an ACK frame.
 * On the wire it is encoded like an ACK frame (largest, first range, gap/length pairs).
 */
public record AckForward(long connectionKey, long pathId, long ackDelayEncoded, long[] ranges)
        implements ControlMessage {

    public AckForward {
        Checks.varint(connectionKey, "connectionKey");
        Checks.varint(pathId, "pathId");
        Checks.varint(ackDelayEncoded, "ackDelayEncoded");
        ranges = Objects.requireNonNull(ranges, "ranges").clone();
        checkRanges(ranges);
    }

    /** From {@link AckRange}s, largest first. */
    public static AckForward of(long connectionKey, long pathId, long ackDelayEncoded, List<AckRange> ranges) {
        long[] flat = new long[ranges.size() * 2];
        for (int i = 0; i < ranges.size(); i++) {
            flat[2 * i] = ranges.get(i).smallest();
            flat[2 * i + 1] = ranges.get(i).largest();
        }
        return new AckForward(connectionKey, pathId, ackDelayEncoded, flat);
    }

    static void checkRanges(long[] r) {
        if (r.length == 0 || (r.length & 1) != 0) {
            throw new IllegalArgumentException("ranges must be non-empty smallest,largest pairs");
        }
        for (int i = 0; i < r.length; i += 2) {
            Checks.varint(r[i], "smallest");
            Checks.varint(r[i + 1], "largest");
            if (r[i] > r[i + 1]) {
                throw new IllegalArgumentException("range smallest > largest");
            }
            if (i > 0 && r[i + 1] >= r[i - 2] - 1) {
                throw new IllegalArgumentException("ranges not descending with a gap");
            }
        }
    }

    /** The ranges as {@link AckRange}s, largest first. */
    public List<AckRange> ackRanges() {
        List<AckRange> out = new ArrayList<>(ranges.length / 2);
        for (int i = 0; i < ranges.length; i += 2) {
            out.add(new AckRange(ranges[i], ranges[i + 1]));
        }
        return out;
    }

    /** A copy of the flat ranges. */
    @Override
    public long[] ranges() {
        return ranges.clone();
    }

    int rangeCount() {
        return ranges.length / 2;
    }

    long smallest(int i) {
        return ranges[2 * i];
    }

    long largest(int i) {
        return ranges[2 * i + 1];
    }

    @Override
    public int typeCode() {
        return MessageType.ACK_FORWARD;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AckForward a && connectionKey == a.connectionKey && pathId == a.pathId
                && ackDelayEncoded == a.ackDelayEncoded && Arrays.equals(ranges, a.ranges);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(connectionKey) * 31 + Long.hashCode(pathId) * 17 + Arrays.hashCode(ranges);
    }

    @Override
    public String toString() {
        return "AckForward[connection=" + connectionKey + ", path=" + pathId + ", ackDelay=" + ackDelayEncoded
                + ", ranges=" + ackRanges() + "]";
    }
}
