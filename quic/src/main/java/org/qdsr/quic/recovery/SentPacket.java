package org.qdsr.quic.recovery;

/**
 * A packet sent and tracked for acknowledgement (RFC 9002 §A.1.1). {@code payload} is whatever the
 * caller needs when the packet is acknowledged or declared lost (typically its retransmittable frames).
 */
public record SentPacket<T>(long pn, long timeSentNanos, int size, boolean ackEliciting, boolean inFlight,
                            T payload) {
}
