package org.qdsr.testbed;

/** Kernel interface counters ({@code /sys/class/net/IF/statistics}) at one moment. */
public record LinkCounters(long txBytes, long rxBytes, long txPackets, long rxPackets) {
    /** {@code this - earlier}, field by field. */
    public LinkCounters minus(LinkCounters earlier) {
        return new LinkCounters(txBytes - earlier.txBytes, rxBytes - earlier.rxBytes,
                txPackets - earlier.txPackets, rxPackets - earlier.rxPackets);
    }
}
