package org.qdsr.control.message;

/**
 * Malformed or forbidden control-channel input: bad framing, a frame above the size cap, an
 * unknown mandatory type, a field out of range. The only exception decoding ever throws; the
 * channel answers with {@link ControlError} and closes.
 */
public final class ControlProtocolException extends Exception {
    private final int errorCode;

    public ControlProtocolException(String message) {
        this(ControlError.PROTOCOL_VIOLATION, message, null);
    }

    public ControlProtocolException(String message, Throwable cause) {
        this(ControlError.PROTOCOL_VIOLATION, message, cause);
    }

    public ControlProtocolException(int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    /** The {@link ControlError} code to report to the peer. */
    public int errorCode() {
        return errorCode;
    }
}
