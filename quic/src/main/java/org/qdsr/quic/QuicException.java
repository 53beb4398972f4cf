package org.qdsr.quic;

/**
 * A connection error (RFC 9000 §11): closes the connection with a CONNECTION_CLOSE carrying
 * {@link #errorCode()}, the type of the frame that caused it (0 if unknown) and a reason phrase.
 */
public class QuicException extends Exception {
    private final long errorCode;
    private final long frameType;

    public QuicException(TransportError error, String reason) {
        this(error.code(), 0, reason);
    }

    public QuicException(TransportError error, long frameType, String reason) {
        this(error.code(), frameType, reason);
    }

    public QuicException(long errorCode, long frameType, String reason) {
        super(reason, null, false, false);
        this.errorCode = errorCode;
        this.frameType = frameType;
    }

    public long errorCode() {
        return errorCode;
    }

    public long frameType() {
        return frameType;
    }
}
