package org.qdsr.quic.path;

import java.util.ArrayList;
import java.util.List;
import org.qdsr.quic.wire.ResetStreamFrame;

/** The retransmittable content of one sent packet, kept until it is acknowledged or lost (RFC 9002 §A.1.1). */
final class SentFrames {
    /** One STREAM frame: {@code [offset, offset + length)} of a stream, with or without FIN. */
    record Range(long streamId, long offset, int length, boolean fin) {
    }

    private List<Range> ranges;
    private List<ResetStreamFrame> resets;

    void addRange(long streamId, long offset, int length, boolean fin) {
        if (ranges == null) {
            ranges = new ArrayList<>(2);
        }
        ranges.add(new Range(streamId, offset, length, fin));
    }

    void addReset(ResetStreamFrame f) {
        if (resets == null) {
            resets = new ArrayList<>(1);
        }
        resets.add(f);
    }

    List<Range> ranges() {
        return ranges == null ? List.of() : ranges;
    }

    List<ResetStreamFrame> resets() {
        return resets == null ? List.of() : resets;
    }

    boolean isEmpty() {
        return ranges == null && resets == null;
    }
}
