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
    /** The first range (most packets carry one: no list then); the others follow in {@code moreRanges}. */
    private Range firstRange;
    private List<Range> moreRanges;
    List<Frame> control;
    List<Long> maxStreamData;
    /** Pairs (path ID, largest acknowledged) of the PATH_ACK frames in this packet. */
    long[] pathAcks;

    void addRange(long streamId, long offset, int length, boolean fin) {
        Range r = new Range(streamId, offset, length, fin);
        if (firstRange == null) {
            firstRange = r;
            return;
        }
        if (moreRanges == null) {
            moreRanges = new ArrayList<>(4);
        }
        moreRanges.add(r);
    }

    int rangeCount() {
        return firstRange == null ? 0 : 1 + (moreRanges == null ? 0 : moreRanges.size());
    }

    /** The {@code i}-th range in the order added ({@code 0 <= i < rangeCount()}). */
    Range range(int i) {
        return i == 0 ? firstRange : moreRanges.get(i - 1);
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
