package org.qdsr.quic.connection;

import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;
import org.qdsr.quic.recovery.ReceivedPacketTracker;
import org.qdsr.quic.wire.AckFrequencyFrame;
import org.qdsr.quic.wire.Frame;

/**
 * The data receiver's side of draft-ietf-quic-ack-frequency-14: checks ACK_FREQUENCY and
 * IMMEDIATE_ACK frames against what this endpoint advertised (§3, §4) and remembers the newest
 * request, which the connection applies to every application-data packet-number space (path 0
 * and each multipath path, draft-ietf-quic-multipath-21), including spaces created later.
 */
final class AckFrequencyReceiver {
    /** RFC 9000 §18.2: max_ack_delay values of 2^14 ms or more are invalid (draft §4). */
    static final long MAX_ACK_DELAY_LIMIT_MICROS = (1L << 14) * 1000;

    private final long localMinAckDelayMicros;
    private long largestSequence = -1;
    private long applied;
    private AckFrequencyFrame current;

    /** {@code localMinAckDelayMicros}: the min_ack_delay this endpoint advertised, or negative for none. */
    AckFrequencyReceiver(long localMinAckDelayMicros) {
        this.localMinAckDelayMicros = localMinAckDelayMicros;
    }

    /**
     * Validates ACK_FREQUENCY or IMMEDIATE_ACK: PROTOCOL_VIOLATION if this endpoint never
     * advertised min_ack_delay (§3: advertising it is what permits these frames), or for a
     * Requested Max Ack Delay below that min_ack_delay or of 2^14 ms or more (§4). Returns true
     * if {@code f} is an ACK_FREQUENCY newer than any processed (the caller applies it with
     * {@link #applyTo}); older or repeated sequence numbers are ignored (§4).
     */
    boolean onFrame(Frame f) throws QuicException {
        if (localMinAckDelayMicros < 0) {
            throw new QuicException(TransportError.PROTOCOL_VIOLATION, f.type(),
                    "ACK frequency frame without min_ack_delay");
        }
        if (!(f instanceof AckFrequencyFrame a)) {
            return false;
        }
        long delay = a.requestedMaxAckDelayMicros();
        if (delay < localMinAckDelayMicros || delay >= MAX_ACK_DELAY_LIMIT_MICROS) {
            throw new QuicException(TransportError.PROTOCOL_VIOLATION, a.type(),
                    "Requested Max Ack Delay " + delay + " us out of range");
        }
        if (a.sequenceNumber() <= largestSequence) {
            return false;
        }
        largestSequence = a.sequenceNumber();
        current = a;
        applied++;
        return true;
    }

    /** Applies the newest request, if any, to path 0's tracker and every multipath path's. */
    void applyToAll(ReceivedPacketTracker pathZero, Multipath multipath) {
        applyTo(pathZero);
        for (var e : multipath.trackers()) {
            applyTo(e.getValue());
        }
    }

    /** Applies the newest request, if any, to {@code tracker}. */
    void applyTo(ReceivedPacketTracker tracker) {
        if (current != null && tracker != null) {
            tracker.applyAckFrequency(current.ackElicitingThreshold(), current.requestedMaxAckDelayMicros() * 1000,
                    current.reorderingThreshold());
        }
    }

    /** ACK_FREQUENCY frames applied (newer than every earlier one). */
    long applied() {
        return applied;
    }
}
