package org.qdsr.quic.wire;

/** STOP_SENDING (RFC 9000 §19.5). */
public record StopSendingFrame(long streamId, long errorCode) implements Frame {
    public static final long TYPE = 0x05;

    public StopSendingFrame {
        VarInt.size(streamId);
        VarInt.size(errorCode);
    }

    @Override
    public long type() {
        return TYPE;
    }

    @Override
    public void write(ByteWriter w) {
        w.writeVarInt(TYPE).writeVarInt(streamId).writeVarInt(errorCode);
    }

    @Override
    public int encodedLength() {
        return VarInt.size(TYPE) + VarInt.size(streamId) + VarInt.size(errorCode);
    }
}
