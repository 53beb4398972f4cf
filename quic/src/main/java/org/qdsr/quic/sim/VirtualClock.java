package org.qdsr.quic.sim;

/**
 * A clock that only moves when told to: the time base of {@link SimNetwork}. Nanoseconds, like
 * every {@code long now} in the QUIC core. It starts at {@link #START} rather than zero so that code
 * which (wrongly) treats zero as "unset" is caught by tests.
 */
public final class VirtualClock {
    /** The initial reading of a new clock: one second. */
    public static final long START = 1_000_000_000L;

    private long now;

    public VirtualClock() {
        this(START);
    }

    public VirtualClock(long start) {
        this.now = start;
    }

    /** The current virtual time in nanoseconds. */
    public long now() {
        return now;
    }

    /** Moves the clock forward to {@code time}; moving it backwards is a bug in the caller. */
    public void advanceTo(long time) {
        if (time < now) {
            throw new IllegalArgumentException("virtual clock cannot go back from " + now + " to " + time);
        }
        now = time;
    }

    /** Moves the clock forward by {@code nanos} (non-negative). */
    public void advanceBy(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("negative advance " + nanos);
        }
        now = saturatedAdd(now, nanos);
    }

    static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    @Override
    public String toString() {
        return "VirtualClock[" + now + " ns]";
    }
}
