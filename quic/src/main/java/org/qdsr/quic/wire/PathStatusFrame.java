package org.qdsr.quic.wire;

/**
 * PATH_STATUS_BACKUP (0x3e76) or PATH_STATUS_AVAILABLE (0x3e77) (draft-ietf-quic-multipath-21
 * §8.4, §8.5): Path Identifier, Path Status Sequence Number.
 */
public record PathStatusFrame(long pathId, long sequence, boolean available) implements Frame {
    public static final long TYPE_BACKUP = 0x3e76;
    public static final long TYPE_AVAILABLE = 0x3e77;

    public PathStatusFrame {
        VarInt.size(pathId);
        VarInt.size(sequence);
    }

    @Override
    public long type() {
        return available ? TYPE_AVAILABLE : TYPE_BACKUP;
    }

    @Override
    public void write(ByteWriter w) {
        w.writeVarInt(type()).writeVarInt(pathId).writeVarInt(sequence);
    }

    @Override
    public int encodedLength() {
        return VarInt.size(type()) + VarInt.size(pathId) + VarInt.size(sequence);
    }
}
