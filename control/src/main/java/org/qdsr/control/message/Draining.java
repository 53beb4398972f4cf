package org.qdsr.control.message;

/**
 * RS to LB: the RS is shutting down gracefully. The LB routes no new request to it; the streams
 * it already serves go on (the LB keeps forwarding their ACKs and flow control) for up to
 * {@code drainMillis}, after which the RS closes the channel. An optional extension (type 0x40):
 * an LB that does not know it skips it, and the RS still finishes what it was given.
 */
public record Draining(long drainMillis) implements ControlMessage {
    public Draining {
        Checks.varint(drainMillis, "drainMillis");
    }

    @Override
    public int typeCode() {
        return MessageType.DRAINING;
    }
}
