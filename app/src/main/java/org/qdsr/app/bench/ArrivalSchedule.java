package org.qdsr.app.bench;

import java.util.SplittableRandom;

/**
 * Request arrival times for an open-loop benchmark ({@code --rate}): offsets in nanoseconds from
 * the start of the run. {@link Kind#POISSON} draws exponential inter-arrival gaps with mean
 * 1/rate (from a seeded generator, so the schedule is reproducible); {@link Kind#UNIFORM} spaces
 * arrivals exactly 1/rate apart. Not thread-safe: one scheduler thread iterates it.
 */
public final class ArrivalSchedule {
    /** The inter-arrival process. */
    public enum Kind { POISSON, UNIFORM }

    private final double meanGapNanos;
    private final Kind kind;
    private final SplittableRandom random;
    private double offset;
    private long count;

    /** @param perSecond arrivals per second (&gt; 0) */
    public ArrivalSchedule(double perSecond, Kind kind, long seed) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("--rate must be positive");
        }
        this.meanGapNanos = 1e9 / perSecond;
        this.kind = kind;
        this.random = new SplittableRandom(seed);
    }

    /** The offset of the next arrival; the first one is at 0. */
    public long next() {
        long k = count++;
        if (kind == Kind.UNIFORM) {
            return (long) (k * meanGapNanos);
        }
        if (k > 0) {
            offset += -Math.log(1 - random.nextDouble()) * meanGapNanos; // exponential gap
        }
        return (long) offset;
    }

    /** Arrivals handed out so far. */
    public long count() {
        return count;
    }
}
