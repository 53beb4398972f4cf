package org.qdsr.control.message;

/**
 * RS to LB, periodically (e.g. every second): current load, for least-outstanding and weighted
 * routing. {@code cpu} is the process CPU load in 0..1 (or a negative value if unknown).
 */
public record LoadReport(int activeStreams, int activeConnections, long bytesPerSecond, double cpu)
        implements ControlMessage {
    public LoadReport {
        Checks.nonNegative(activeStreams, "activeStreams");
        Checks.nonNegative(activeConnections, "activeConnections");
        Checks.varint(bytesPerSecond, "bytesPerSecond");
    }

    @Override
    public int typeCode() {
        return MessageType.LOAD_REPORT;
    }
}
