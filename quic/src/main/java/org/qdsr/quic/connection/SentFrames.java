package org.qdsr.quic.connection;

import java.util.ArrayList;
import java.util.List;
import org.qdsr.quic.wire.Frame;

/**
 * What one sent packet carried that matters when it is acknowledged or declared lost
 * (RFC 9000 §13.3): stream and crypto ranges to retransmit, control frames to send again, and the
 * largest packet number its ACK frame acknowledged (for pruning ACK ranges, §13.2.4).
 */
final class SentFrames {
    /** A range of stream (or, with streamId -1, CRYPTO) bytes. */
    record Range(long streamId, long offset, int length, boolean fin) {
    }

    static final long CRYPTO = -1;

    long ackLargest = -1;
    boolean handshakeDone;
    boolean maxData;
    List<Range> ranges;
    List<Frame> control;
    List<Long> maxStreamData;

    void addRange(long streamId, long offset, int length, boolean fin) {
        if (ranges == null) {
            ranges = new ArrayList<>(4);
        }
        ranges.add(new Range(streamId, offset, length, fin));
    }

    void addControl(Frame f) {
        if (control == null) {
            control = new ArrayList<>(2);
        }
        control.add(f);
    }

    void addMaxStreamData(long streamId) {
        if (maxStreamData == null) {
            maxStreamData = new ArrayList<>(2);
        }
        maxStreamData.add(streamId);
    }
}
