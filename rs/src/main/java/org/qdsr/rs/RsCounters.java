package org.qdsr.rs;

/** What a {@link RealServerCore} did; plain fields, written on the core's thread, read anywhere (racy but monotone). */
public final class RsCounters {
    public volatile long messagesIn;
    public volatile long messagesIgnored;
    public volatile long handoffs;
    public volatile long rejected;
    public volatile long finished;
    public volatile long failed;
    public volatile long reset;
    /** Streams dropped unfinished because their connection closed or the LB link went away. */
    public volatile long closed;
    public volatile long unknownConnection;
    public volatile long acksIgnored;
    public volatile long badAcks;
    public volatile long internalErrors;
    public volatile long datagramsSent;
    public volatile long bytesSent;
    public volatile long datagramsDropped;
    public volatile long instructedFailures;
    /** PeerAddressUpdates applied (the client's validated new address, RFC 9000 §9), and those of the IP. */
    public volatile long peerAddressUpdates;
    public volatile long peerIpChanges;

    @Override
    public String toString() {
        return "RsCounters[handoffs=" + handoffs + ", finished=" + finished + ", rejected=" + rejected + ", failed="
                + failed + ", reset=" + reset + ", closed=" + closed + ", datagramsSent=" + datagramsSent + ", bytesSent=" + bytesSent
                + ", datagramsDropped=" + datagramsDropped + ", unknownConnection=" + unknownConnection
                + ", badAcks=" + badAcks + ", internalErrors=" + internalErrors + "]";
    }
}
