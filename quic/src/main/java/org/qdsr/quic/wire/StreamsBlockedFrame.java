package org.qdsr.quic.wire;

/** STREAMS_BLOCKED (RFC 9000 §19.14): 0x16 bidirectional, 0x17 unidirectional; at most 2^60. */
public record StreamsBlockedFrame(boolean bidirectional, long limit) implements Frame {
    public static final long TYPE_BIDI = 0x16;
    public static final long TYPE_UNI = 0x17;

    public StreamsBlockedFrame {
        if (limit < 0 || limit > MaxStreamsFrame.MAX_STREAMS) {
            throw new IllegalArgumentException("stream limit " + limit);
        }
    }

    @Override
    public long type() {
        return bidirectional ? TYPE_BIDI : TYPE_UNI;
    }

    @Override
    public void write(ByteWriter w) {
        w.writeVarInt(type()).writeVarInt(limit);
    }

    @Override
    public int encodedLength() {
        return 1 + VarInt.size(limit);
    }
}
