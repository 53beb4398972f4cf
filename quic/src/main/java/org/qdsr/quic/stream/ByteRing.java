package org.qdsr.quic.stream;

/**
 * A growable power-of-two ring of bytes addressed by absolute stream offset. The ring holds the
 * window {@code [base, base + capacity)}; the owner tracks which offsets in it are valid.
 * Advancing the base frees the space below it for reuse without copying.
 */
final class ByteRing {
    private static final byte[] EMPTY = new byte[0];
    private static final int MIN_CAPACITY = 256;

    private byte[] buf = EMPTY;
    private int head;
    private long base;

    ByteRing(long base) {
        this.base = base;
    }

    long base() {
        return base;
    }

    int capacity() {
        return buf.length;
    }

    /** Makes room for offsets up to (excluding) {@code endOffset}, keeping stored bytes in place. */
    void ensure(long endOffset) {
        long need = endOffset - base;
        if (need <= buf.length) {
            return;
        }
        if (need > (1 << 30)) {
            throw new IllegalStateException("stream buffer too large: " + need);
        }
        int cap = Math.max(MIN_CAPACITY, Integer.highestOneBit((int) need - 1) << 1);
        byte[] grown = new byte[cap];
        int tail = buf.length - head;
        System.arraycopy(buf, head, grown, 0, tail);
        System.arraycopy(buf, 0, grown, tail, head);
        buf = grown;
        head = 0;
    }

    /** Stores bytes at {@code offset}; the range must lie within {@link #ensure} bounds. */
    void put(long offset, byte[] src, int off, int len) {
        int idx = index(offset, len);
        int first = Math.min(len, buf.length - idx);
        System.arraycopy(src, off, buf, idx, first);
        System.arraycopy(src, off + first, buf, 0, len - first);
    }

    /** Copies stored bytes starting at {@code offset} into {@code dst}. */
    void get(long offset, byte[] dst, int dstOff, int len) {
        int idx = index(offset, len);
        int first = Math.min(len, buf.length - idx);
        System.arraycopy(buf, idx, dst, dstOff, first);
        System.arraycopy(buf, 0, dst, dstOff + first, len - first);
    }

    /** Moves the base forward; the bytes below it are forgotten. */
    void advanceTo(long newBase) {
        if (newBase <= base) {
            return;
        }
        if (buf.length > 0) {
            head = (int) ((head + (newBase - base)) & (buf.length - 1));
        }
        base = newBase;
    }

    /** Drops the storage (memory returns to the GC); the ring regrows on the next {@link #ensure}. */
    void release() {
        buf = EMPTY;
        head = 0;
    }

    private int index(long offset, int len) {
        long rel = offset - base;
        if (rel < 0 || len < 0 || rel + len > buf.length) {
            throw new IndexOutOfBoundsException("offset " + offset + "+" + len + " outside ring at " + base);
        }
        return buf.length == 0 ? 0 : (int) ((head + rel) & (buf.length - 1));
    }
}
