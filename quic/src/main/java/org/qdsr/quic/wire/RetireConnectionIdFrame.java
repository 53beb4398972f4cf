package org.qdsr.quic.wire;

/**
 * RETIRE_CONNECTION_ID (RFC 9000 §19.16, 0x19) when {@code pathId == -1}, otherwise
 * PATH_RETIRE_CONNECTION_ID (draft-ietf-quic-multipath-21 §8.10, 0x3e79).
 */
public record RetireConnectionIdFrame(long pathId, long sequenceNumber) implements Frame {
    public static final long TYPE = 0x19;
    public static final long TYPE_PATH = 0x3e79;

    public RetireConnectionIdFrame {
        if (pathId < -1 || pathId > VarInt.MAX) {
            throw new IllegalArgumentException("path ID " + pathId);
        }
        VarInt.size(sequenceNumber);
    }

    @Override
    public long type() {
        return pathId < 0 ? TYPE : TYPE_PATH;
    }

    @Override
    public void write(ByteWriter w) {
        w.writeVarInt(type());
        if (pathId >= 0) {
            w.writeVarInt(pathId);
        }
        w.writeVarInt(sequenceNumber);
    }

    @Override
    public int encodedLength() {
        int n = pathId < 0 ? 1 : VarInt.size(TYPE_PATH) + VarInt.size(pathId);
        return n + VarInt.size(sequenceNumber);
    }
}
