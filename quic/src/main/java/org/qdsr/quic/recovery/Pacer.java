package org.qdsr.quic.recovery;

/**
 * A token-bucket pacer (RFC 9002 §7.7). Tokens (bytes) refill at
 * N * cwnd / smoothed_rtt with N = 1.25 (2 in slow start); the bucket holds a burst of up to
 * {@value #BURST_PACKETS} packets and starts full. Times are nanoseconds.
 */
public final class Pacer {
    static final int BURST_PACKETS = 10;
    static final double GAIN = 1.25;
    static final double SLOW_START_GAIN = 2.0;

    private final double capacity;
    private double tokens;
    private long lastRefill;
    private boolean started;
    /** Bytes per nanosecond of the last rate seen; 0 = not pacing yet. */
    private double rate;

    public Pacer(int maxDatagramSize) {
        this.capacity = (double) BURST_PACKETS * maxDatagramSize;
        this.tokens = capacity;
    }

    /** {@link #nextSendTime(long, int, long, long, boolean)} outside slow start. */
    public long nextSendTime(long now, int bytes, long cwnd, long smoothedRtt) {
        return nextSendTime(now, bytes, cwnd, smoothedRtt, false);
    }

    /** Returns {@code now} if a packet of {@code bytes} may be sent now, else the earliest time it may. */
    public long nextSendTime(long now, int bytes, long cwnd, long smoothedRtt, boolean inSlowStart) {
        if (smoothedRtt <= 0 || cwnd <= 0) {
            return now;
        }
        rate = (inSlowStart ? SLOW_START_GAIN : GAIN) * cwnd / smoothedRtt;
        refill(now);
        double need = Math.min(bytes, capacity);
        if (tokens >= need) {
            return now;
        }
        return now + (long) Math.ceil((need - tokens) / rate);
    }

    /** Spends tokens for a sent packet; the bucket may go into debt, delaying the next packet. */
    public void onPacketSent(long now, int bytes) {
        refill(now);
        tokens -= bytes;
    }

    private void refill(long now) {
        if (!started) {
            started = true;
            lastRefill = now;
            return;
        }
        long elapsed = now - lastRefill;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * rate);
            lastRefill = now;
        }
    }

    /** Bytes currently available to send without waiting (may be negative). */
    public double tokens() {
        return tokens;
    }
}
