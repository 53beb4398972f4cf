package org.qdsr.quic.wire;

/**
 * A frame that is its type and nothing else: PING (RFC 9000 §19.2), HANDSHAKE_DONE (§19.20) and
 * IMMEDIATE_ACK (draft-ietf-quic-ack-frequency-14 §5). Written as the type's variable-length
 * integer alone.
 */
public sealed interface TypeOnlyFrame extends Frame permits PingFrame, HandshakeDoneFrame, ImmediateAckFrame {
    @Override
    default void write(ByteWriter w) {
        w.writeVarInt(type());
    }

    @Override
    default int encodedLength() {
        return VarInt.size(type());
    }
}
