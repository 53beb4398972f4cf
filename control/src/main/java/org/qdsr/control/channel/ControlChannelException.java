package org.qdsr.control.channel;

import java.io.IOException;

/** Why a channel closed when it was not a plain I/O error: heartbeat timeout, the peer's Error message. */
public final class ControlChannelException extends IOException {
    private final int errorCode;

    public ControlChannelException(int errorCode, String message) {
        super(message);
        this.errorCode = errorCode;
    }

    /** A {@link org.qdsr.control.message.ControlError} code. */
    public int errorCode() {
        return errorCode;
    }
}
