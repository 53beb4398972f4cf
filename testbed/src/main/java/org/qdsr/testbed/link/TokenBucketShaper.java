package org.qdsr.testbed.link;

/**
 * A fixed-rate bottleneck as a token bucket: tokens (bytes) accrue at the rate up to
 * {@code burstBytes}; a packet leaves when the bucket holds its size (or is full, for a packet
 * larger than the bucket, which then goes into deficit). With a one-MTU bucket this is plain
 * serialization at the rate.
 */
public final class TokenBucketShaper implements Shaper {
    private final double bytesPerNano;
    private final double burstBytes;
    private double tokens;
    private long updated;
    private boolean started;

    /**
     * @param bitsPerSecond rate (&gt; 0)
     * @param burstBytes    bucket size (&gt; 0); the bucket starts full
     */
    public TokenBucketShaper(double bitsPerSecond, int burstBytes) {
        if (!(bitsPerSecond > 0) || burstBytes <= 0) {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
        this.bytesPerNano = bitsPerSecond / 8 / 1e9;
        this.burstBytes = burstBytes;
        this.tokens = burstBytes;
    }

    /** A bucket of one full-size packet (1500 bytes): serialization at {@code bitsPerSecond}. */
    public static TokenBucketShaper ofMbit(double megabitsPerSecond) {
        return new TokenBucketShaper(megabitsPerSecond * 1e6, MahimahiTrace.MTU);
    }

    private double tokensAt(long t) {
        if (!started) {
            return tokens;
        }
        return Math.min(burstBytes, tokens + (t - updated) * bytesPerNano);
    }

    @Override
    public long departureTime(int bytes, long since) {
        double need = Math.min(bytes, burstBytes);
        double have = tokensAt(since);
        if (have >= need) {
            return since;
        }
        return since + (long) Math.ceil((need - have) / bytesPerNano);
    }

    @Override
    public void departed(int bytes, long since, long at) {
        tokens = tokensAt(at) - bytes;
        updated = at;
        started = true;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%.3f Mbit/s", bytesPerNano * 8e9 / 1e6);
    }
}
