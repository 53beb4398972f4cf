package org.qdsr.testbed.link;

/**
 * A bottleneck driven by a {@link MahimahiTrace}: each opportunity carries {@link MahimahiTrace#MTU}
 * bytes; a packet leaves at the opportunity that carries its last byte, and what an opportunity
 * has left after a packet serves the next queued packet. Opportunities while the queue is empty
 * are lost (not banked), as in Mahimahi's {@code mm-link}. Opportunity i happens at
 * {@code origin + trace.opportunityMillis(i)} ms.
 */
public final class TraceShaper implements Shaper {
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final MahimahiTrace trace;
    private final long origin;
    /** The opportunity being used, and the bytes it still carries (0: the next one is fresh). */
    private long opportunity;
    private int credit;
    /** Result of the last {@link #serve}: the opportunity carrying the last byte, bytes it has left. */
    private long servedAt;
    private int servedLeft;

    /** @param originNanos the caller's time of trace line "0" */
    public TraceShaper(MahimahiTrace trace, long originNanos) {
        this.trace = trace;
        this.origin = originNanos;
    }

    /** The absolute time of opportunity {@code index}. */
    public long opportunityTime(long index) {
        return origin + trace.opportunityMillis(index) * NANOS_PER_MILLI;
    }

    private long firstAtOrAfter(long t) {
        long ms = Math.max(0, Math.floorDiv(t - origin + NANOS_PER_MILLI - 1, NANOS_PER_MILLI));
        return trace.firstOpportunityAtOrAfter(ms);
    }

    @Override
    public long departureTime(int bytes, long since) {
        serve(bytes, since);
        return opportunityTime(servedAt);
    }

    @Override
    public void departed(int bytes, long since, long at) {
        serve(bytes, since);
        opportunity = servedAt;
        credit = servedLeft;
        if (credit == 0) {
            opportunity++;
            credit = MahimahiTrace.MTU;
        }
    }

    /** Sets {@code servedAt}/{@code servedLeft} for a packet whose service starts at {@code since}. */
    private void serve(int bytes, long since) {
        long o = opportunity;
        int c = credit;
        if (c == 0 || opportunityTime(o) < since) {
            o = Math.max(o, firstAtOrAfter(since));
            c = MahimahiTrace.MTU;
        }
        int need = Math.max(bytes, 1);
        while (need > c) {
            need -= c;
            o++;
            c = MahimahiTrace.MTU;
        }
        servedAt = o;
        servedLeft = c - need;
    }

    @Override
    public String toString() {
        return trace.toString();
    }
}
