package org.qdsr.quic.wire;

/** MAX_DATA (RFC 9000 §19.9). */
public record MaxDataFrame(long maximumData) implements Frame {
    public static final long TYPE = 0x10;

    public MaxDataFrame {
        VarInt.size(maximumData);
    }

    @Override
    public long type() {
        return TYPE;
    }

    @Override
    public void write(ByteWriter w) {
        w.writeVarInt(TYPE).writeVarInt(maximumData);
    }

    @Override
    public int encodedLength() {
        return VarInt.size(TYPE) + VarInt.size(maximumData);
    }
}
