package org.qdsr.quic.wire;

/** RESET_STREAM (RFC 9000 §19.4). */
public record ResetStreamFrame(long streamId, long errorCode, long finalSize) implements Frame {
    public static final long TYPE = 0x04;

    public ResetStreamFrame {
        VarInt.size(streamId);
        VarInt.size(errorCode);
        VarInt.size(finalSize);
    }

    @Override
    public long type() {
        return TYPE;
    }

    @Override
    public void write(ByteWriter w) {
        w.writeVarInt(TYPE).writeVarInt(streamId).writeVarInt(errorCode).writeVarInt(finalSize);
    }

    @Override
    public int encodedLength() {
        return VarInt.size(TYPE) + VarInt.size(streamId) + VarInt.size(errorCode) + VarInt.size(finalSize);
    }
}
