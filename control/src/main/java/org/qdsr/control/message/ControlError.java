package org.qdsr.control.message;

/**
 * The protocol's Error message: the sender is about to close the channel because of
 * {@code code} (see the constants). Named ControlError so it does not shadow java.lang.Error.
 */
public record ControlError(int code, String message) implements ControlMessage {
    public static final int PROTOCOL_VIOLATION = 1;
    public static final int VERSION_MISMATCH = 2;
    public static final int INTERNAL_ERROR = 3;
    public static final int SHUTTING_DOWN = 4;
    public static final int HEARTBEAT_TIMEOUT = 5;

    public ControlError {
        Checks.nonNegative(code, "code");
        Checks.string(message, "message");
    }

    @Override
    public int typeCode() {
        return MessageType.ERROR;
    }
}
