package org.qdsr.quic.wire;

/** HANDSHAKE_DONE (RFC 9000 §19.20). */
public record HandshakeDoneFrame() implements TypeOnlyFrame {
    public static final long TYPE = 0x1e;
    public static final HandshakeDoneFrame INSTANCE = new HandshakeDoneFrame();

    @Override
    public long type() {
        return TYPE;
    }
}
