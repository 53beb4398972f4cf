package org.qdsr.control.channel;

/**
 * FIFO of (end offset in the sealed byte stream, message count) per flushed batch, so a channel
 * gives capacity back only once a batch's last byte went to the socket. A ring of two arrays,
 * grown on demand: no allocation per batch. Not thread-safe (used under the {@link Outbound} lock).
 */
final class WrittenMarks {
    private long[] ends = new long[16];
    private int[] counts = new int[16];
    private int head;
    private int size;

    void add(long end, int count) {
        if (size > 0 && ends[(head + size - 1) & (ends.length - 1)] == end) {
            counts[(head + size - 1) & (ends.length - 1)] += count;
            return;
        }
        if (size == ends.length) {
            grow();
        }
        int i = (head + size) & (ends.length - 1);
        ends[i] = end;
        counts[i] = count;
        size++;
    }

    /** Removes the batches that end at or before {@code written}; returns their message count. */
    int releaseUpTo(long written) {
        int released = 0;
        while (size > 0 && ends[head] <= written) {
            released += counts[head];
            head = (head + 1) & (ends.length - 1);
            size--;
        }
        return released;
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] e = new long[ends.length * 2];
        int[] c = new int[ends.length * 2];
        for (int k = 0; k < size; k++) {
            e[k] = ends[(head + k) & (ends.length - 1)];
            c[k] = counts[(head + k) & (ends.length - 1)];
        }
        ends = e;
        counts = c;
        head = 0;
    }
}
