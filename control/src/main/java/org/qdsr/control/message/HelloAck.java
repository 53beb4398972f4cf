package org.qdsr.control.message;

import java.util.Objects;

/**
 * RS's answer to {@link Hello}: the protocol version both sides use from now on (at most the
 * offered one), the RS's node name and role.
 */
public record HelloAck(int protocolVersion, String nodeName, Role role) implements ControlMessage {
    public HelloAck {
        Checks.nonNegative(protocolVersion, "protocolVersion");
        Checks.string(nodeName, "nodeName");
        Objects.requireNonNull(role, "role");
    }

    @Override
    public int typeCode() {
        return MessageType.HELLO_ACK;
    }
}
