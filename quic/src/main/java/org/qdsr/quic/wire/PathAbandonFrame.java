package org.qdsr.quic.wire;

/** PATH_ABANDON (draft-ietf-quic-multipath-21 §8.3). */
public record PathAbandonFrame(long pathId, long errorCode) implements Frame {
    public static final long TYPE = 0x3e75;

    public PathAbandonFrame {
        VarInt.size(pathId);
        VarInt.size(errorCode);
    }

    @Override
    public long type() {
        return TYPE;
    }

    @Override
    public void write(ByteWriter w) {
        w.writeVarInt(TYPE).writeVarInt(pathId).writeVarInt(errorCode);
    }

    @Override
    public int encodedLength() {
        return VarInt.size(TYPE) + VarInt.size(pathId) + VarInt.size(errorCode);
    }
}
