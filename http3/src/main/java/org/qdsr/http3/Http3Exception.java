package org.qdsr.http3;

/**
 * A protocol violation detected by this package. {@link #streamError()} tells whether RFC 9114 lets
 * it be handled by resetting only the stream (RESET_STREAM/STOP_SENDING with {@link #error()});
 * otherwise it is a connection error (CONNECTION_CLOSE with {@link #error()}).
 */
public class Http3Exception extends Exception {
    private final Http3Error error;
    private final boolean streamError;

    /** A connection error. */
    public Http3Exception(Http3Error error, String message) {
        this(error, message, false);
    }

    public Http3Exception(Http3Error error, String message, boolean streamError) {
        super(error + ": " + message, null, false, false);
        this.error = error;
        this.streamError = streamError;
    }

    public Http3Error error() {
        return error;
    }

    /** True for errors confined to one request stream (e.g. a malformed message, RFC 9114 §4.1.2). */
    public boolean streamError() {
        return streamError;
    }
}
