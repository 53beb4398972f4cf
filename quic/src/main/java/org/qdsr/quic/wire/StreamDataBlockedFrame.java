package org.qdsr.quic.wire;

/** STREAM_DATA_BLOCKED (RFC 9000 §19.13). */
public record StreamDataBlockedFrame(long streamId, long limit) implements Frame {
    public static final long TYPE = 0x15;

    public StreamDataBlockedFrame {
        VarInt.size(streamId);
        VarInt.size(limit);
    }

    @Override
    public long type() {
        return TYPE;
    }

    @Override
    public void write(ByteWriter w) {
        w.writeVarInt(TYPE).writeVarInt(streamId).writeVarInt(limit);
    }

    @Override
    public int encodedLength() {
        return VarInt.size(TYPE) + VarInt.size(streamId) + VarInt.size(limit);
    }
}
