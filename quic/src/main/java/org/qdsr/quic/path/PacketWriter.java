package org.qdsr.quic.path;

import java.util.ArrayDeque;
import java.util.Map;
import org.qdsr.quic.stream.ConnectionFlowControl;
import org.qdsr.quic.stream.SendStream;
import org.qdsr.quic.stream.StreamChunk;
import org.qdsr.quic.wire.ByteWriter;
import org.qdsr.quic.wire.FrameCodec;
import org.qdsr.quic.wire.ResetStreamFrame;

/**
 * Fills the payload of one packet of a {@link PathSender}: RESET_STREAM frames, then
 * retransmitted STREAM data, then new STREAM data round robin over the streams (RFC 9000 §13.3:
 * lost data goes into new frames of new packets). Retransmissions never consume credit.
 */
final class PacketWriter {
    private PacketWriter() {
    }

    static void writeResets(ByteWriter w, int limit, ArrayDeque<ResetStreamFrame> pending, SentFrames sent) {
        while (!pending.isEmpty() && limit - w.position() >= pending.peek().encodedLength()) {
            ResetStreamFrame f = pending.poll();
            FrameCodec.write(f, w);
            sent.addReset(f);
        }
    }

    static void writeRetransmissions(ByteWriter w, int limit, Map<Long, SendStream> streams,
                                     ConnectionFlowControl credit, SentFrames sent) {
        for (Map.Entry<Long, SendStream> e : streams.entrySet()) {
            SendStream st = e.getValue();
            while (st.hasLost()) {
                if (!writeChunk(w, limit, e.getKey(), st, credit, sent)) {
                    return;
                }
            }
        }
    }

    static void writeNewData(ByteWriter w, int limit, Map<Long, SendStream> streams, ArrayDeque<Long> order,
                             ConnectionFlowControl credit, SentFrames sent) {
        int idle = 0;
        while (idle < order.size()) {
            long id = order.pollFirst();
            order.addLast(id);
            SendStream st = streams.get(id);
            if (st.hasSendable(credit.sendCredit()) && writeChunk(w, limit, id, st, credit, sent)) {
                idle = 0;
            } else {
                idle++;
            }
        }
    }

    /** Writes one STREAM frame if the stream has a chunk that fits; returns whether it did. */
    private static boolean writeChunk(ByteWriter w, int limit, long id, SendStream st, ConnectionFlowControl credit,
                                      SentFrames sent) {
        int avail = limit - w.position();
        if (avail <= 0) {
            return false;
        }
        int room = avail - FrameCodec.streamFrameHeaderLength(id, st.sentOffset(), avail);
        if (room < 0) {
            return false;
        }
        StreamChunk c = st.nextChunk(room, credit.sendCredit());
        if (c == null) {
            return false;
        }
        FrameCodec.writeStreamFrameHeader(w, id, c.offset(), c.length(), c.fin());
        st.copyData(c.offset(), c.length(), w.array(), w.position());
        w.position(w.position() + c.length());
        if (c.isNew()) {
            credit.onNewDataSent(c.length());
        }
        sent.addRange(id, c.offset(), c.length(), c.fin());
        return true;
    }
}
