package org.qdsr.quic.wire;

/** DATA_BLOCKED (RFC 9000 §19.12). */
public record DataBlockedFrame(long limit) implements Frame {
    public static final long TYPE = 0x14;

    public DataBlockedFrame {
        VarInt.size(limit);
    }

    @Override
    public long type() {
        return TYPE;
    }

    @Override
    public void write(ByteWriter w) {
        w.writeVarInt(TYPE).writeVarInt(limit);
    }

    @Override
    public int encodedLength() {
        return VarInt.size(TYPE) + VarInt.size(limit);
    }
}
