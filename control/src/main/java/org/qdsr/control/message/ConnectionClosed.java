package org.qdsr.control.message;

/**
 * LB to RS: connection {@code connectionKey} is closed, draining or timed out (RFC 9000 §10);
 * the RS stops sending on it and drops its state. {@code errorCode} is the QUIC or application
 * error code of the CONNECTION_CLOSE, 0 for an idle timeout.
 */
public record ConnectionClosed(long connectionKey, long errorCode) implements ControlMessage {
    public ConnectionClosed {
        Checks.varint(connectionKey, "connectionKey");
        Checks.varint(errorCode, "errorCode");
    }

    @Override
    public int typeCode() {
        return MessageType.CONNECTION_CLOSED;
    }
}
