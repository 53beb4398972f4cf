package org.qdsr.quic.wire;

/**
 * IMMEDIATE_ACK (0x1f; draft-ietf-quic-ack-frequency-14 §5): the receiver should acknowledge the
 * packet carrying it at once. Ack-eliciting and congestion controlled; never retransmitted. 1-RTT
 * only (§3).
 */
public record ImmediateAckFrame() implements TypeOnlyFrame {
    public static final long TYPE = 0x1f;
    public static final ImmediateAckFrame INSTANCE = new ImmediateAckFrame();

    @Override
    public long type() {
        return TYPE;
    }
}
