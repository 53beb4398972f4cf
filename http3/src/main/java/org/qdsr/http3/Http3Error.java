package org.qdsr.http3;

/**
 * HTTP/3 application error codes (RFC 9114 §8.1) and the QPACK codes (RFC 9204 §6), as carried
 * in CONNECTION_CLOSE, RESET_STREAM and STOP_SENDING.
 */
public enum Http3Error {
    H3_NO_ERROR(0x100),
    H3_GENERAL_PROTOCOL_ERROR(0x101),
    H3_INTERNAL_ERROR(0x102),
    H3_STREAM_CREATION_ERROR(0x103),
    H3_CLOSED_CRITICAL_STREAM(0x104),
    H3_FRAME_UNEXPECTED(0x105),
    H3_FRAME_ERROR(0x106),
    H3_EXCESSIVE_LOAD(0x107),
    H3_ID_ERROR(0x108),
    H3_SETTINGS_ERROR(0x109),
    H3_MISSING_SETTINGS(0x10a),
    H3_REQUEST_REJECTED(0x10b),
    H3_REQUEST_CANCELLED(0x10c),
    H3_REQUEST_INCOMPLETE(0x10d),
    H3_MESSAGE_ERROR(0x10e),
    H3_CONNECT_ERROR(0x10f),
    H3_VERSION_FALLBACK(0x110),
    QPACK_DECOMPRESSION_FAILED(0x200),
    QPACK_ENCODER_STREAM_ERROR(0x201),
    QPACK_DECODER_STREAM_ERROR(0x202);

    private final long code;

    Http3Error(long code) {
        this.code = code;
    }

    /** The wire value. */
    public long code() {
        return code;
    }

    /** The enum constant for a wire value, or {@code null} if unknown (including reserved 0x1f*N+0x21 codes). */
    public static Http3Error fromCode(long code) {
        for (Http3Error e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return null;
    }
}
