package org.qdsr.quic.wire;

/** PING (RFC 9000 §19.2). */
public record PingFrame() implements Frame {
    public static final long TYPE = 0x01;
    public static final PingFrame INSTANCE = new PingFrame();

    @Override
    public long type() {
        return TYPE;
    }

    @Override
    public void write(ByteWriter w) {
        w.writeVarInt(TYPE);
    }

    @Override
    public int encodedLength() {
        return 1;
    }
}
