package org.qdsr.io;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters of one {@link UdpEventLoop}. Written only by the loop thread (opaque stores, no locked
 * instructions on the hot path); any thread may read them, seeing values that are at most a little
 * stale.
 */
public final class UdpCounters {
    static final int DATAGRAMS_IN = 0;
    static final int BYTES_IN = 1;
    static final int DATAGRAMS_OUT = 2;
    static final int BYTES_OUT = 3;
    static final int SEND_FAILURES = 4;
    static final int SEND_BLOCKED = 5;
    static final int RECEIVE_FAILURES = 6;
    static final int ENDPOINT_EXCEPTIONS = 7;
    static final int TURNS = 8;
    static final int COALESCED_TURNS = 9;

    private final AtomicLongArray values = new AtomicLongArray(10);

    /** Single writer: the loop thread. */
    void add(int counter, long n) {
        values.setOpaque(counter, values.getPlain(counter) + n);
    }

    private long get(int counter) {
        return values.getOpaque(counter);
    }

    public long datagramsIn() {
        return get(DATAGRAMS_IN);
    }

    public long bytesIn() {
        return get(BYTES_IN);
    }

    public long datagramsOut() {
        return get(DATAGRAMS_OUT);
    }

    public long bytesOut() {
        return get(BYTES_OUT);
    }

    /** Sends that failed with an I/O error (the datagram was dropped). */
    public long sendFailures() {
        return get(SEND_FAILURES);
    }

    /** Times a socket's send buffer was full (the sink refused and waited for OP_WRITE). */
    public long sendBlocked() {
        return get(SEND_BLOCKED);
    }

    public long receiveFailures() {
        return get(RECEIVE_FAILURES);
    }

    /** Exceptions thrown by endpoint callbacks (caught and logged; the loop went on). */
    public long endpointExceptions() {
        return get(ENDPOINT_EXCEPTIONS);
    }

    /** Loop turns (wake-ups: each turn waits once, then reads, runs tasks, fires timers and drains). */
    public long turns() {
        return get(TURNS);
    }

    /**
     * Turns that served what arrived during a coalescing pause instead of waking for each datagram
     * ({@link UdpEventLoop#coalesce(long)}).
     */
    public long coalescedTurns() {
        return get(COALESCED_TURNS);
    }

    @Override
    public String toString() {
        return "UdpCounters[in=" + datagramsIn() + "/" + bytesIn() + "B out=" + datagramsOut() + "/" + bytesOut()
                + "B sendFailures=" + sendFailures() + " sendBlocked=" + sendBlocked() + " receiveFailures="
                + receiveFailures() + " endpointExceptions=" + endpointExceptions() + " turns=" + turns()
                + " coalesced=" + coalescedTurns() + "]";
    }
}
