package org.qdsr.testbed.link;

import java.util.random.RandomGenerator;

/**
 * What one direction of the emulated link does: one-way delay, random loss, an optional
 * bottleneck (a Mahimahi trace, else a fixed rate, else none) and its drop-tail queue bound.
 *
 * @param delayNanos one-way delay in nanoseconds (the RTT gains the sum of both directions)
 * @param loss       drop probability in [0, 1]
 * @param rateMbit   fixed rate in Mbit/s, or 0 for none (ignored when {@code trace} is set)
 * @param trace      Mahimahi trace, or null
 * @param queueBytes drop-tail bound of the bottleneck queue
 */
public record LinkSpec(long delayNanos, double loss, double rateMbit, MahimahiTrace trace, long queueBytes) {
    /** The default queue bound: 1 MiB. */
    public static final long DEFAULT_QUEUE_BYTES = 1 << 20;

    public LinkSpec {
        new LinkModel.Config(delayNanos, loss, queueBytes); // validates
        if (!(rateMbit >= 0) || Double.isInfinite(rateMbit)) {
            throw new IllegalArgumentException("rate must be >= 0 Mbit/s");
        }
    }

    /** No impairment at all. */
    public static LinkSpec transparent() {
        return new LinkSpec(0, 0, 0, null, DEFAULT_QUEUE_BYTES);
    }

    /** The bottleneck this spec describes; a trace's line "0" is {@code originNanos}. */
    public Shaper shaper(long originNanos) {
        if (trace != null) {
            return new TraceShaper(trace, originNanos);
        }
        return rateMbit > 0 ? TokenBucketShaper.ofMbit(rateMbit) : Shaper.unlimited();
    }

    /** A fresh model of this direction. */
    public <P> LinkModel<P> model(long originNanos, RandomGenerator random) {
        return new LinkModel<>(new LinkModel.Config(delayNanos, loss, queueBytes), shaper(originNanos), random);
    }
}
