package org.qdsr.quic.wire;

/** MAX_STREAM_DATA (RFC 9000 §19.10). */
public record MaxStreamDataFrame(long streamId, long maximumStreamData) implements Frame {
    public static final long TYPE = 0x11;

    public MaxStreamDataFrame {
        VarInt.size(streamId);
        VarInt.size(maximumStreamData);
    }

    @Override
    public long type() {
        return TYPE;
    }

    @Override
    public void write(ByteWriter w) {
        w.writeVarInt(TYPE).writeVarInt(streamId).writeVarInt(maximumStreamData);
    }

    @Override
    public int encodedLength() {
        return VarInt.size(TYPE) + VarInt.size(streamId) + VarInt.size(maximumStreamData);
    }
}
