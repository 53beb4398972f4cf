package org.qdsr.control.message;

/** Liveness probe, sent by both ends every heartbeat interval; {@code sentNanos} is the sender's monotonic clock. */
public record Heartbeat(long seq, long sentNanos) implements ControlMessage {
    public Heartbeat {
        Checks.varint(seq, "seq");
    }

    @Override
    public int typeCode() {
        return MessageType.HEARTBEAT;
    }
}
