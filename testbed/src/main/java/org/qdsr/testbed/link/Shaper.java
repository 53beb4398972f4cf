package org.qdsr.testbed.link;

/**
 * The bottleneck's service discipline: when a packet at the head of the (FIFO) queue finishes
 * leaving the bottleneck. Pure and clock-free: times are nanoseconds on the caller's clock.
 * Callers ask {@link #departureTime} and then commit with {@link #departed} for the same packet,
 * packets in FIFO order with non-decreasing {@code since}.
 */
public interface Shaper {
    /**
     * When a packet of {@code bytes} that reached the head of the queue at {@code since} has been
     * sent entirely (≥ {@code since}).
     */
    long departureTime(int bytes, long since);

    /** Commits the packet last asked about, which departs at {@code at}. */
    void departed(int bytes, long since, long at);

    /** No bottleneck: packets leave as soon as they arrive. */
    static Shaper unlimited() {
        return new Shaper() {
            @Override
            public long departureTime(int bytes, long since) {
                return since;
            }

            @Override
            public void departed(int bytes, long since, long at) {
            }

            @Override
            public String toString() {
                return "unlimited";
            }
        };
    }
}
