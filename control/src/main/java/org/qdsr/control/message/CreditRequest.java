package org.qdsr.control.message;

/**
 * RS to LB: the RS is blocked on connection-level credit for {@code streamId};
 * {@code used} is the total connection credit the RS has consumed so far on this connection.
 */
public record CreditRequest(long connectionKey, long streamId, long used) implements ControlMessage {
    public CreditRequest {
        Checks.varint(connectionKey, "connectionKey");
        Checks.varint(streamId, "streamId");
        Checks.varint(used, "used");
    }

    @Override
    public int typeCode() {
        return MessageType.CREDIT_REQUEST;
    }
}
