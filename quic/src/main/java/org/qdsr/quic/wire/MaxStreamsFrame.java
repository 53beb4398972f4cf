package org.qdsr.quic.wire;

/** MAX_STREAMS (RFC 9000 §19.11): 0x12 bidirectional, 0x13 unidirectional; at most 2^60. */
public record MaxStreamsFrame(boolean bidirectional, long maximumStreams) implements Frame {
    public static final long TYPE_BIDI = 0x12;
    public static final long TYPE_UNI = 0x13;
    /** RFC 9000 §4.6: stream counts cannot exceed 2^60. */
    public static final long MAX_STREAMS = 1L << 60;

    public MaxStreamsFrame {
        if (maximumStreams < 0 || maximumStreams > MAX_STREAMS) {
            throw new IllegalArgumentException("maximum streams " + maximumStreams);
        }
    }

    @Override
    public long type() {
        return bidirectional ? TYPE_BIDI : TYPE_UNI;
    }

    @Override
    public void write(ByteWriter w) {
        w.writeVarInt(type()).writeVarInt(maximumStreams);
    }

    @Override
    public int encodedLength() {
        return 1 + VarInt.size(maximumStreams);
    }
}
