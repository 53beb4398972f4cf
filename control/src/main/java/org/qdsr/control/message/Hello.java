package org.qdsr.control.message;

import java.util.Objects;

/**
 * First message on a channel, LB to RS: the highest protocol version the sender speaks, its node
 * name (for logs and metrics) and its role.
 */
public record Hello(int protocolVersion, String nodeName, Role role) implements ControlMessage {
    public Hello {
        Checks.nonNegative(protocolVersion, "protocolVersion");
        Checks.string(nodeName, "nodeName");
        Objects.requireNonNull(role, "role");
    }

    @Override
    public int typeCode() {
        return MessageType.HELLO;
    }
}
