package org.qdsr.control.message;

/**
 * RS to LB: the RS has protected {@code packetsProtected} packets with the connection's current
 * write key and asks the LB, which owns the key phase, to start a key update (RFC 9001 §6.6:
 * an endpoint updates keys before it reaches the AEAD's confidentiality limit). The LB answers
 * with {@link KeyUpdate} once its connection has moved to the next generation.
 */
public record KeyUpdateRequest(long connectionKey, long packetsProtected) implements ControlMessage {
    public KeyUpdateRequest {
        Checks.varint(connectionKey, "connectionKey");
        Checks.varint(packetsProtected, "packetsProtected");
    }

    @Override
    public int typeCode() {
        return MessageType.KEY_UPDATE_REQUEST;
    }
}
