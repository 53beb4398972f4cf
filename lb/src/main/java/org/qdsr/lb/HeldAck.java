package org.qdsr.lb;

import java.util.Arrays;
import java.util.List;
import org.qdsr.control.message.AckForward;
import org.qdsr.quic.wire.AckRange;

/**
 * The client's acknowledgements of one server path, held at the load balancer before they are
 * forwarded (see {@link AckCoalescer}). Successive PATH_ACKs are merged as a union of their ranges:
 * every packet number in any of them was received by the client, and the backend's loss detection
 * ignores packets it already saw acknowledged (RFC 9002 §6.1). The ACK Delay that goes out is the
 * one of the ACK that reported the largest packet number, plus the time it was held here, so the
 * backend's RTT samples exclude the hold just as they exclude the client's own delay (RFC 9000
 * §13.2.5, RFC 9002 §5.3). Loop thread only; reused after each {@link #take}.
 */
final class HeldAck {
    /** Most ranges kept (the smallest are dropped, as a receiver drops its oldest ranges). */
    static final int MAX_RANGES = 64;

    final Backend backend;
    final long connectionKey;
    final long pathId;
    private final int ackDelayExponent;
    /** Ascending, disjoint and non-adjacent: lo[i] <= hi[i] < lo[i + 1] - 1. */
    private long[] lo = new long[4];
    private long[] hi = new long[4];
    private int n;
    private long largestDelayEncoded;
    private long largestArrival;
    private int merged;
    /** Listed in its backend's hold ({@link AckCoalescer}). */
    boolean listed;

    /** {@code ackDelayExponent}: the client's ack_delay_exponent (RFC 9000 §18.2), 0..20. */
    HeldAck(Backend backend, long connectionKey, long pathId, int ackDelayExponent) {
        this.backend = backend;
        this.connectionKey = connectionKey;
        this.pathId = pathId;
        this.ackDelayExponent = ackDelayExponent;
    }

    boolean isEmpty() {
        return n == 0;
    }

    /** PATH_ACKs merged since the last {@link #take}. */
    int merged() {
        return merged;
    }

    /**
     * Merges one PATH_ACK received at {@code now}: {@code ranges} largest first (as in the frame),
     * {@code ackDelayEncoded} its raw ACK Delay field.
     */
    void merge(List<AckRange> ranges, long ackDelayEncoded, long now) {
        if (ranges.isEmpty()) {
            return;
        }
        long largest = ranges.get(0).largest();
        if (n == 0 || largest > hi[n - 1]) {
            largestDelayEncoded = ackDelayEncoded;
            largestArrival = now;
        }
        for (int i = 0; i < ranges.size(); i++) {
            add(ranges.get(i).smallest(), ranges.get(i).largest());
        }
        merged++;
    }

    /** Adds [a, b] to the union, joining overlapping or adjacent ranges. */
    private void add(long a, long b) {
        if (n > 0 && a >= lo[n - 1] && a <= hi[n - 1] + 1) {
            hi[n - 1] = Math.max(hi[n - 1], b); // the usual case: the newest range grew
            return;
        }
        int first = 0;
        while (first < n && hi[first] + 1 < a) {
            first++;
        }
        int last = first;
        while (last < n && lo[last] <= b + 1) {
            last++;
        }
        if (first < last) { // [first, last) overlap or touch [a, b]: replace them by their union
            lo[first] = Math.min(lo[first], a);
            hi[first] = Math.max(hi[last - 1], b);
            System.arraycopy(lo, last, lo, first + 1, n - last);
            System.arraycopy(hi, last, hi, first + 1, n - last);
            n -= last - first - 1;
            return;
        }
        if (n == lo.length) {
            lo = Arrays.copyOf(lo, n * 2);
            hi = Arrays.copyOf(hi, n * 2);
        }
        System.arraycopy(lo, first, lo, first + 1, n - first);
        System.arraycopy(hi, first, hi, first + 1, n - first);
        lo[first] = a;
        hi[first] = b;
        n++;
        if (n > MAX_RANGES) {
            System.arraycopy(lo, 1, lo, 0, n - 1);
            System.arraycopy(hi, 1, hi, 0, n - 1);
            n--;
        }
    }

    /**
     * The merged acknowledgement as it leaves at {@code now}, with the hold time added to the ACK
     * Delay (in units of 2^ack_delay_exponent microseconds); empties this holder.
     */
    AckForward take(long now) {
        long[] pairs = new long[2 * n];
        for (int k = 0; k < n; k++) {
            pairs[2 * k] = lo[n - 1 - k];
            pairs[2 * k + 1] = hi[n - 1 - k];
        }
        long heldMicros = Math.max(0, now - largestArrival) / 1000;
        long delay = Math.min(largestDelayEncoded + (heldMicros >> ackDelayExponent), (1L << 62) - 1);
        n = 0;
        merged = 0;
        return new AckForward(connectionKey, pathId, delay, pairs);
    }
}
