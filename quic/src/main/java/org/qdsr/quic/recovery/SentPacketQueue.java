package org.qdsr.quic.recovery;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The sent packets of one packet-number space: a ring ordered by packet number. Acknowledged or lost
 * packets leave a tombstone slot (its packet number stays, so lookups by binary search keep working
 * and "was this number ever sent?" can be answered inside the window) until the head passes them.
 */
final class SentPacketQueue<T> {
    static final byte OUTSTANDING = 0;
    static final byte ACKED = 1;
    static final byte LOST = 2;

    private long[] pns = new long[64];
    private Object[] packets = new Object[64];
    private byte[] states = new byte[64];
    private int head;
    private int size;
    private long largestSent = -1;

    long largestSent() {
        return largestSent;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void add(SentPacket<T> p) {
        if (p.pn() <= largestSent) {
            throw new IllegalArgumentException("packet numbers must increase: " + p.pn() + " after " + largestSent);
        }
        if (size == pns.length) {
            grow();
        }
        int i = slot(size);
        pns[i] = p.pn();
        packets[i] = p;
        states[i] = OUTSTANDING;
        size++;
        largestSent = p.pn();
    }

    private void grow() {
        int n = pns.length;
        long[] np = new long[n * 2];
        Object[] nk = new Object[n * 2];
        byte[] ns = new byte[n * 2];
        for (int j = 0; j < size; j++) {
            int i = slot(j);
            np[j] = pns[i];
            nk[j] = packets[i];
            ns[j] = states[i];
        }
        pns = np;
        packets = nk;
        states = ns;
        head = 0;
    }

    private int slot(int index) {
        return (head + index) & (pns.length - 1);
    }

    /** Index (0..size) of the first slot with pn >= {@code pn}. */
    int lowerBound(long pn) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (pns[slot(mid)] < pn) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    long pnAt(int index) {
        return pns[slot(index)];
    }

    byte stateAt(int index) {
        return states[slot(index)];
    }

    @SuppressWarnings("unchecked")
    SentPacket<T> packetAt(int index) {
        return (SentPacket<T>) packets[slot(index)];
    }

    /** Replaces the outstanding packet at {@code index} (same packet number). */
    void replace(int index, SentPacket<T> p) {
        packets[slot(index)] = p;
    }

    /** Marks the slot acked or lost, dropping the packet reference; advances the head past tombstones. */
    void remove(int index, byte newState) {
        int i = slot(index);
        packets[i] = null;
        states[i] = newState;
    }

    /** Drops leading tombstones. Invalidates indices: call only after an iteration is finished. */
    void compact() {
        while (size > 0 && states[head] != OUTSTANDING) {
            packets[head] = null;
            head = (head + 1) & (pns.length - 1);
            size--;
        }
    }

    /** Removes everything, handing each outstanding packet to {@code sink}. */
    void clear(Consumer<SentPacket<T>> sink) {
        for (int j = 0; j < size; j++) {
            SentPacket<T> p = packetAt(j);
            if (p != null && sink != null) {
                sink.accept(p);
            }
        }
        Arrays.fill(packets, null);
        head = 0;
        size = 0;
    }
}
