package org.qdsr.quic.stream;

import java.util.Arrays;

/**
 * A set of non-negative {@code long} offsets stored as sorted, disjoint, non-adjacent half-open
 * ranges {@code [start, end)} in one {@code long[]} (start0, end0, start1, end1, ...).
 * Used for acknowledged, lost and received byte ranges of streams. Not thread-safe.
 */
public final class RangeSet {
    private long[] bounds;
    private int count;

    public RangeSet() {
        bounds = new long[8];
    }

    /** Creates a set from {@link #toArray()} output (pairs, sorted, disjoint). */
    public static RangeSet fromArray(long[] pairs) {
        RangeSet s = new RangeSet();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            s.add(pairs[i], pairs[i + 1]);
        }
        return s;
    }

    /** The ranges as pairs {@code start0, end0, start1, end1, ...}. */
    public long[] toArray() {
        return Arrays.copyOf(bounds, count * 2);
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** Number of disjoint ranges. */
    public int size() {
        return count;
    }

    public long start(int i) {
        return bounds[2 * i];
    }

    public long end(int i) {
        return bounds[2 * i + 1];
    }

    public void clear() {
        count = 0;
    }

    /** Sum of the lengths of all ranges. */
    public long totalLength() {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sum += end(i) - start(i);
        }
        return sum;
    }

    /** Index of the first range whose end is {@code >= pos} (count if none). */
    private int firstEndingAtOrAfter(long pos) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (end(mid) < pos) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Adds {@code [start, end)}, merging with overlapping or adjacent ranges. */
    public void add(long start, long end) {
        if (start >= end) {
            return;
        }
        int i = firstEndingAtOrAfter(start);
        int j = i;
        while (j < count && start(j) <= end) {
            j++;
        }
        // ranges i..j-1 touch [start, end)
        if (i == j) {
            insertAt(i, start, end);
            return;
        }
        long s = Math.min(start, start(i));
        long e = Math.max(end, end(j - 1));
        bounds[2 * i] = s;
        bounds[2 * i + 1] = e;
        removeRanges(i + 1, j);
    }

    /** Removes {@code [start, end)} from the set, splitting a range if needed. */
    public void remove(long start, long end) {
        if (start >= end) {
            return;
        }
        int i = firstEndingAtOrAfter(start + 1);
        while (i < count && start(i) < end) {
            long s = start(i);
            long e = end(i);
            if (s < start && e > end) {
                bounds[2 * i + 1] = start;
                insertAt(i + 1, end, e);
                return;
            }
            if (s < start) {
                bounds[2 * i + 1] = start;
                i++;
            } else if (e > end) {
                bounds[2 * i] = end;
                return;
            } else {
                removeRanges(i, i + 1);
            }
        }
    }

    /** True if every offset of {@code [start, end)} is in the set (true for an empty range). */
    public boolean contains(long start, long end) {
        if (start >= end) {
            return true;
        }
        int i = firstEndingAtOrAfter(start + 1);
        return i < count && start(i) <= start && end(i) >= end;
    }

    /** End of the range containing {@code pos}, or {@code pos} itself if it is not in the set. */
    public long coveredEnd(long pos) {
        int i = firstEndingAtOrAfter(pos + 1);
        return i < count && start(i) <= pos ? end(i) : pos;
    }

    /** Smallest range start {@code > pos}, or {@link Long#MAX_VALUE} if none. */
    public long nextStartAfter(long pos) {
        int i = firstEndingAtOrAfter(pos + 1);
        if (i < count && start(i) <= pos) {
            i++;
        }
        return i < count ? start(i) : Long.MAX_VALUE;
    }

    private void insertAt(int i, long start, long end) {
        if (2 * count + 2 > bounds.length) {
            bounds = Arrays.copyOf(bounds, bounds.length * 2);
        }
        System.arraycopy(bounds, 2 * i, bounds, 2 * i + 2, 2 * (count - i));
        bounds[2 * i] = start;
        bounds[2 * i + 1] = end;
        count++;
    }

    private void removeRanges(int from, int to) {
        System.arraycopy(bounds, 2 * to, bounds, 2 * from, 2 * (count - to));
        count -= to - from;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < count; i++) {
            sb.append(i == 0 ? "" : ", ").append('[').append(start(i)).append(',').append(end(i)).append(')');
        }
        return sb.append('}').toString();
    }
}
