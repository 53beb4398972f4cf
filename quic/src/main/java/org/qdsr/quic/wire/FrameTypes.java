package org.qdsr.quic.wire;

/** Which frame types exist and in which packet types they may appear (RFC 9000 §12.4 Table 3). */
final class FrameTypes {
    private FrameTypes() {
    }

    static boolean isKnown(long type) {
        return (type >= 0x00 && type <= 0x1f) || (type >= 0x3e && type <= 0x3f) || type == 0xaf
                || (type >= 0x3e75 && type <= 0x3e7c);
    }

    /** IMMEDIATE_ACK (0x1f) and ACK_FREQUENCY (0xaf), draft-ietf-quic-ack-frequency-14 §4, §5. */
    static boolean isAckFrequency(long type) {
        return type == 0x1f || type == 0xaf;
    }

    static boolean isMultipath(long type) {
        return type >= 0x3e;
    }

    /**
     * Initial/Handshake: PADDING, PING, ACK, CRYPTO, transport CONNECTION_CLOSE. 0-RTT: everything
     * of RFC 9000 except ACK, CRYPTO, NEW_TOKEN, RETIRE_CONNECTION_ID, PATH_RESPONSE,
     * HANDSHAKE_DONE (§12.5, §17.2.3). Multipath frames only in 1-RTT (draft-21 §8), and so are
     * ACK_FREQUENCY and IMMEDIATE_ACK (draft-ietf-quic-ack-frequency-14 §3: min_ack_delay is not
     * remembered for 0-RTT).
     */
    static boolean permitted(long type, PacketType packetType) {
        switch (packetType) {
            case ONE_RTT:
                return true;
            case INITIAL:
            case HANDSHAKE:
                return type <= 0x03 || type == 0x06 || type == 0x1c;
            case ZERO_RTT:
                return !isMultipath(type) && !isAckFrequency(type) && type != 0x02 && type != 0x03 && type != 0x06
                        && type != 0x07 && type != 0x19 && type != 0x1b && type != 0x1e;
            default:
                return false;
        }
    }
}
