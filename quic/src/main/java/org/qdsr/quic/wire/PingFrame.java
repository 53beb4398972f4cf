package org.qdsr.quic.wire;

/** PING (RFC 9000 §19.2). */
public record PingFrame() implements TypeOnlyFrame {
    public static final long TYPE = 0x01;
    public static final PingFrame INSTANCE = new PingFrame();

    @Override
    public long type() {
        return TYPE;
    }
}
