package org.qdsr.quic.wire;

/** PATHS_BLOCKED (draft-ietf-quic-multipath-21 §8.7). */
public record PathsBlockedFrame(long maximumPathId) implements Frame {
    public static final long TYPE = 0x3e7b;

    public PathsBlockedFrame {
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
