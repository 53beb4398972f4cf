package org.qdsr.quic.path;

import java.util.ArrayList;
import java.util.List;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;
import org.qdsr.quic.wire.AckRange;

/** Checks and trims forwarded PATH_ACK ranges for one {@link PathSender}. */
final class AckRanges {
    private static final long MAX_ACK_DELAY_NANOS = Long.MAX_VALUE / 4;

    private AckRanges() {
    }

    /**
     * The ranges restricted to [firstPn, nextPn). Acknowledging {@code nextPn} or above is a
     * PROTOCOL_VIOLATION (RFC 9000 §13.1); ranges must be descending with gaps (RFC 9000 §19.3.1).
     */
    static List<AckRange> clip(List<AckRange> ranges, long firstPn, long nextPn, long pathId) throws QuicException {
        long previousSmallest = Long.MAX_VALUE;
        List<AckRange> out = new ArrayList<>(ranges.size());
        for (AckRange r : ranges) {
            if (r.largest() >= previousSmallest - 1) {
                throw new QuicException(TransportError.FRAME_ENCODING_ERROR, PathSender.PATH_ACK_FRAME_TYPE,
                        "PATH_ACK ranges not descending on path " + pathId);
            }
            previousSmallest = r.smallest();
            if (r.largest() >= nextPn) {
                throw new QuicException(TransportError.PROTOCOL_VIOLATION, PathSender.PATH_ACK_FRAME_TYPE,
                        "PATH_ACK of unsent packet " + r.largest() + " on path " + pathId);
            }
            if (r.largest() >= firstPn) {
                out.add(r.smallest() >= firstPn ? r : new AckRange(firstPn, r.largest()));
            }
        }
        return out;
    }

    /** ACK Delay in nanoseconds: encoded << ack_delay_exponent microseconds (RFC 9000 §19.3), saturating. */
    static long ackDelayNanos(long encoded, int exponent) {
        if (encoded <= 0) {
            return 0;
        }
        long micros = encoded > (MAX_ACK_DELAY_NANOS / 1000) >> exponent ? MAX_ACK_DELAY_NANOS / 1000
                : encoded << exponent;
        return micros * 1000;
    }
}
