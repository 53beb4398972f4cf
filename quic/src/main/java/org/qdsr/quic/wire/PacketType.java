package org.qdsr.quic.wire;

/** QUIC v1 packet types (RFC 9000 §17). */
public enum PacketType {
    INITIAL,
    ZERO_RTT,
    HANDSHAKE,
    RETRY,
    VERSION_NEGOTIATION,
    ONE_RTT;

    /** The two type bits of a v1 long header (RFC 9000 §17.2 Table 5), or -1. */
    public int longHeaderTypeBits() {
        switch (this) {
            case INITIAL: return 0;
            case ZERO_RTT: return 1;
            case HANDSHAKE: return 2;
            case RETRY: return 3;
            default: return -1;
        }
    }
}
