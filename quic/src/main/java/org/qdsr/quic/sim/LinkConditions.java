package org.qdsr.quic.sim;

/**
 * Properties of one direction of a simulated path. Every rate is a probability in [0, 1] applied
 * independently to each datagram.
 *
 * @param delayNanos one-way propagation delay added to every datagram
 * @param jitterNanos extra delay drawn uniformly from [0, jitterNanos] per datagram (may reorder)
 * @param lossRate probability a datagram is silently dropped
 * @param duplicateRate probability a second copy is delivered as well
 * @param reorderRate probability a datagram is held back by an extra {@link #reorderHoldNanos()},
 *     so that datagrams sent after it overtake it
 * @param corruptRate probability one random bit of the delivered copy is flipped
 * @param bandwidthBytesPerSecond serialisation rate of the link; 0 means unlimited
 * @param queueLimitBytes bytes that may wait for serialisation before tail drop; 0 means unlimited
 *     (only meaningful with a bandwidth limit)
 */
public record LinkConditions(long delayNanos, long jitterNanos, double lossRate, double duplicateRate,
                             double reorderRate, double corruptRate, long bandwidthBytesPerSecond,
                             int queueLimitBytes) {

    /** No delay, no loss, unlimited bandwidth. */
    public static final LinkConditions PERFECT = new LinkConditions(0, 0, 0, 0, 0, 0, 0, 0);

    public LinkConditions {
        if (delayNanos < 0 || jitterNanos < 0 || bandwidthBytesPerSecond < 0 || queueLimitBytes < 0) {
            throw new IllegalArgumentException("negative link property: " + this);
        }
        checkRate("lossRate", lossRate);
        checkRate("duplicateRate", duplicateRate);
        checkRate("reorderRate", reorderRate);
        checkRate("corruptRate", corruptRate);
    }

    /** A loss-free link with a fixed one-way delay. */
    public static LinkConditions delay(long delayNanos) {
        return PERFECT.withDelay(delayNanos);
    }

    public LinkConditions withDelay(long nanos) {
        return new LinkConditions(nanos, jitterNanos, lossRate, duplicateRate, reorderRate, corruptRate,
                bandwidthBytesPerSecond, queueLimitBytes);
    }

    public LinkConditions withJitter(long nanos) {
        return new LinkConditions(delayNanos, nanos, lossRate, duplicateRate, reorderRate, corruptRate,
                bandwidthBytesPerSecond, queueLimitBytes);
    }

    public LinkConditions withLoss(double rate) {
        return new LinkConditions(delayNanos, jitterNanos, rate, duplicateRate, reorderRate, corruptRate,
                bandwidthBytesPerSecond, queueLimitBytes);
    }

    public LinkConditions withDuplicates(double rate) {
        return new LinkConditions(delayNanos, jitterNanos, lossRate, rate, reorderRate, corruptRate,
                bandwidthBytesPerSecond, queueLimitBytes);
    }

    public LinkConditions withReordering(double rate) {
        return new LinkConditions(delayNanos, jitterNanos, lossRate, duplicateRate, rate, corruptRate,
                bandwidthBytesPerSecond, queueLimitBytes);
    }

    public LinkConditions withCorruption(double rate) {
        return new LinkConditions(delayNanos, jitterNanos, lossRate, duplicateRate, reorderRate, rate,
                bandwidthBytesPerSecond, queueLimitBytes);
    }

    public LinkConditions withBandwidth(long bytesPerSecond, int queueLimitBytes) {
        return new LinkConditions(delayNanos, jitterNanos, lossRate, duplicateRate, reorderRate, corruptRate,
                bytesPerSecond, queueLimitBytes);
    }

    /** How long a reordered datagram is held back: the one-way delay, but at least 1 ms. */
    public long reorderHoldNanos() {
        return Math.max(delayNanos, 1_000_000L);
    }

    /** Serialisation time of {@code bytes} on this link, rounded up; 0 when unlimited. */
    public long transmitNanos(int bytes) {
        if (bandwidthBytesPerSecond == 0) {
            return 0;
        }
        return (bytes * 1_000_000_000L + bandwidthBytesPerSecond - 1) / bandwidthBytesPerSecond;
    }

    private static void checkRate(String name, double rate) {
        if (!(rate >= 0.0 && rate <= 1.0)) {
            throw new IllegalArgumentException(name + " must be in [0, 1]: " + rate);
        }
    }
}
