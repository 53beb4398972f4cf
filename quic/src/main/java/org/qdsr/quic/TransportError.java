package org.qdsr.quic;

/** Transport error codes (RFC 9000 §20.1). TLS alerts map to {@code 0x0100 + alert}. */
public enum TransportError {
    NO_ERROR(0x00),
    INTERNAL_ERROR(0x01),
    CONNECTION_REFUSED(0x02),
    FLOW_CONTROL_ERROR(0x03),
    STREAM_LIMIT_ERROR(0x04),
    STREAM_STATE_ERROR(0x05),
    FINAL_SIZE_ERROR(0x06),
    FRAME_ENCODING_ERROR(0x07),
    TRANSPORT_PARAMETER_ERROR(0x08),
    CONNECTION_ID_LIMIT_ERROR(0x09),
    PROTOCOL_VIOLATION(0x0a),
    INVALID_TOKEN(0x0b),
    APPLICATION_ERROR(0x0c),
    CRYPTO_BUFFER_EXCEEDED(0x0d),
    KEY_UPDATE_ERROR(0x0e),
    AEAD_LIMIT_REACHED(0x0f),
    NO_VIABLE_PATH(0x10);

    /** The first code of the CRYPTO_ERROR range; add the TLS alert value. */
    public static final long CRYPTO_ERROR_BASE = 0x0100;

    private final long code;

    TransportError(long code) {
        this.code = code;
    }

    public long code() {
        return code;
    }

    public static String describe(long code) {
        for (TransportError e : values()) {
            if (e.code == code) {
                return e.name();
            }
        }
        if (code >= CRYPTO_ERROR_BASE && code < CRYPTO_ERROR_BASE + 0x100) {
            return "CRYPTO_ERROR(alert " + (code - CRYPTO_ERROR_BASE) + ")";
        }
        return "0x" + Long.toHexString(code);
    }
}
