package org.qdsr.quic.wire;

/** MAX_PATH_ID (draft-ietf-quic-multipath-21 §8.6). */
public record MaxPathIdFrame(long maximumPathId) implements Frame {
    public static final long TYPE = 0x3e7a;

    public MaxPathIdFrame {
        VarInt.size(maximumPathId);
    }

    @Override
    public long type() {
        return TYPE;
    }

    @Override
    public void write(ByteWriter w) {
        w.writeVarInt(TYPE).writeVarInt(maximumPathId);
    }

    @Override
    public int encodedLength() {
        return VarInt.size(TYPE) + VarInt.size(maximumPathId);
    }
}
