package org.qdsr.quic.wire;

/** PATH_CIDS_BLOCKED (draft-ietf-quic-multipath-21 §8.8): the peer has no unused CID for {@code pathId}; {@code nextSequenceNumber} is the next one it expects. */
public record PathCidsBlockedFrame(long pathId, long nextSequenceNumber) implements Frame {
    public static final long TYPE = 0x3e7c;

    public PathCidsBlockedFrame {
        VarInt.size(pathId);
        VarInt.size(nextSequenceNumber);
    }

    @Override
    public long type() {
        return TYPE;
    }

    @Override
    public void write(ByteWriter w) {
        w.writeVarInt(TYPE).writeVarInt(pathId).writeVarInt(nextSequenceNumber);
    }

    @Override
    public int encodedLength() {
        return VarInt.size(TYPE) + VarInt.size(pathId) + VarInt.size(nextSequenceNumber);
    }
}
