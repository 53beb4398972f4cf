package org.qdsr.quic.path;

import org.qdsr.quic.stream.SendStream;
import org.qdsr.quic.stream.RangeSet;

/** Transformations of exported send-stream state for moving a stream between senders. */
final class StreamHandoff {
    private StreamHandoff() {
    }

    /**
     * The state with everything sent but not acknowledged marked lost (and an unacknowledged FIN
     * as lost): the packets that carried it belong to the previous sender, whose acknowledgements
     * the next sender cannot attribute, so the next sender retransmits it (RFC 9000 §13.3).
     */
    static SendStream.State requeueInFlight(SendStream.State s) {
        if (s.sentOffset() == s.ackedOffset() && !(s.finSent() && !s.finAcked())) {
            return s;
        }
        RangeSet lost = new RangeSet();
        long pos = s.ackedOffset();
        long[] acked = s.ackedRanges();
        for (int i = 0; i < acked.length; i += 2) {
            if (acked[i] > pos) {
                lost.add(pos, acked[i]);
            }
            pos = Math.max(pos, acked[i + 1]);
        }
        if (s.sentOffset() > pos) {
            lost.add(pos, s.sentOffset());
        }
        boolean finLost = s.finSent() && !s.finAcked();
        return new SendStream.State(s.streamId(), s.ackedOffset(), s.sentOffset(), s.writtenOffset(),
                s.maxStreamData(), s.data(), s.ackedRanges(), lost.toArray(), s.finished(), s.finSent(),
                s.finAcked(), finLost);
    }
}
