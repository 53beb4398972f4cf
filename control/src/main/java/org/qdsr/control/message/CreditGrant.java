package org.qdsr.control.message;

/**
 * LB to RS: {@code bytes} more of connection-level send credit (a share of the client's
 * MAX_DATA, RFC 9000 §4.1) for connection {@code connectionKey}; grants add up.
 */
public record CreditGrant(long connectionKey, long bytes) implements ControlMessage {
    public CreditGrant {
        Checks.varint(connectionKey, "connectionKey");
        Checks.varint(bytes, "bytes");
    }

    @Override
    public int typeCode() {
        return MessageType.CREDIT_GRANT;
    }
}
