package org.qdsr.quic.recovery;

/**
 * A packet sent and tracked for acknowledgement (RFC 9002 §A.1.1). {@code payload} is whatever the
 * caller needs when the packet is acknowledged or declared lost (typically its retransmittable frames).
 * {@code sender} names the machine that puts the packet on the wire: 0 for the endpoint itself,
 * 1.. for the real servers QDSR's instructed mode tells to send it; packets of one sender leave
 * in packet-number order, packets of different senders race (see {@link Recovery}).
 */
public record SentPacket<T>(long pn, long timeSentNanos, int size, boolean ackEliciting, boolean inFlight,
                            T payload, int sender) {
    public SentPacket {
        if (sender < 0 || sender > Recovery.MAX_SENDER) {
            throw new IllegalArgumentException("sender " + sender);
        }
    }

    /** A packet the endpoint sends itself (sender 0). */
    public SentPacket(long pn, long timeSentNanos, int size, boolean ackEliciting, boolean inFlight, T payload) {
        this(pn, timeSentNanos, size, ackEliciting, inFlight, payload, 0);
    }
}
