package org.qdsr.control.message;

/** Answer to {@link Heartbeat}: the same sequence number and the echoed {@code sentNanos} (RTT sample). */
public record HeartbeatAck(long seq, long echoedNanos) implements ControlMessage {
    public HeartbeatAck {
        Checks.varint(seq, "seq");
    }

    @Override
    public int typeCode() {
        return MessageType.HEARTBEAT_ACK;
    }
}
