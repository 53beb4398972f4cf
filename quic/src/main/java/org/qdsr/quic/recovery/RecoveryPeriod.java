package org.qdsr.quic.recovery;

/**
 * congestion_recovery_start_time of RFC 9002 §7.3.2 / Appendix B: a packet sent at or before the
 * start of the current recovery period is "in recovery"; acks of such packets do not grow the window
 * and their loss does not reduce it again. The period ends implicitly when later packets are acked.
 */
final class RecoveryPeriod {
    private boolean started;
    private long startTime;

    /** InCongestionRecovery(sent_time). */
    boolean contains(long timeSent) {
        return started && timeSent - startTime <= 0;
    }

    /** Starts a new period at {@code now} unless the lost packet belongs to the current one. */
    boolean enter(long now, long timeSentOfLostPacket) {
        if (contains(timeSentOfLostPacket)) {
            return false;
        }
        started = true;
        startTime = now;
        return true;
    }

    /** congestion_recovery_start_time = 0, as on persistent congestion. */
    void reset() {
        started = false;
    }

    boolean started() {
        return started;
    }

    long startTime() {
        return startTime;
    }
}
