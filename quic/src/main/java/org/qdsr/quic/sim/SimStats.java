package org.qdsr.quic.sim;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Counters of a {@link SimNetwork}. "Sent" counts are per source address as stamped on the
 * datagram; per-node counts are on {@link SimNode} (several nodes may send from one address).
 */
public final class SimStats {
    private final Map<InetSocketAddress, long[]> sentBySource = new HashMap<>();
    long sentDatagrams;
    long sentBytes;
    long deliveredDatagrams;
    long deliveredBytes;
    long lostDatagrams;
    long queueDroppedDatagrams;
    long undeliverableDatagrams;
    long duplicatedDatagrams;
    long reorderedDatagrams;
    long corruptedDatagrams;

    void recordSent(InetSocketAddress from, int len) {
        long[] c = sentBySource.computeIfAbsent(from, k -> new long[2]);
        c[0]++;
        c[1] += len;
        sentDatagrams++;
        sentBytes += len;
    }

    public long sentDatagrams(InetSocketAddress from) {
        long[] c = sentBySource.get(from);
        return c == null ? 0 : c[0];
    }

    public long sentBytes(InetSocketAddress from) {
        long[] c = sentBySource.get(from);
        return c == null ? 0 : c[1];
    }

    public long sentDatagrams() {
        return sentDatagrams;
    }

    public long sentBytes() {
        return sentBytes;
    }

    public long deliveredDatagrams() {
        return deliveredDatagrams;
    }

    public long deliveredBytes() {
        return deliveredBytes;
    }

    /** Dropped by random loss. */
    public long lostDatagrams() {
        return lostDatagrams;
    }

    /** Dropped because a link queue was full. */
    public long queueDroppedDatagrams() {
        return queueDroppedDatagrams;
    }

    /** Sent to an address no node receives on. */
    public long undeliverableDatagrams() {
        return undeliverableDatagrams;
    }

    /** Extra copies created by the duplicate rate. */
    public long duplicatedDatagrams() {
        return duplicatedDatagrams;
    }

    public long reorderedDatagrams() {
        return reorderedDatagrams;
    }

    public long corruptedDatagrams() {
        return corruptedDatagrams;
    }

    @Override
    public String toString() {
        return "SimStats[sent=" + sentDatagrams + "/" + sentBytes + "B delivered=" + deliveredDatagrams + "/"
                + deliveredBytes + "B lost=" + lostDatagrams + " queueDropped=" + queueDroppedDatagrams
                + " undeliverable=" + undeliverableDatagrams + " duplicated=" + duplicatedDatagrams
                + " reordered=" + reorderedDatagrams + " corrupted=" + corruptedDatagrams + "]";
    }
}
