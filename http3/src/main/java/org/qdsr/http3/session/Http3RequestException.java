package org.qdsr.http3.session;

import java.io.IOException;

/**
 * Why a client request failed: a stream reset by the server (with its HTTP/3 error code), a
 * GOAWAY that excluded the request, a protocol error, or the connection closing.
 * {@link #retryable()} is true only when the server provably did not process the request
 * (RFC 9114 §5.2 GOAWAY, §8.1 H3_REQUEST_REJECTED): it may be sent again on another connection.
 */
public final class Http3RequestException extends IOException {
    private final long errorCode;
    private final boolean retryable;

    public Http3RequestException(String message, long errorCode, boolean retryable) {
        super(message);
        this.errorCode = errorCode;
        this.retryable = retryable;
    }

    /** The HTTP/3 (or application) error code involved, or -1 when there is none. */
    public long errorCode() {
        return errorCode;
    }

    public boolean retryable() {
        return retryable;
    }
}
