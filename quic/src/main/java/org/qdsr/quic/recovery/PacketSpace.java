package org.qdsr.quic.recovery;

/** Per packet-number-space loss detection state of a {@link Recovery} (RFC 9002 §A.2). */
final class PacketSpace<T> {
    final SentPacketQueue<T> sent = new SentPacketQueue<>();
    /** Application Data kind: PTO includes max_ack_delay and waits for handshake confirmation (§6.2.1). */
    boolean applicationData = true;
    /** Keys are available: a PTO may be armed for (and a probe sent in) this space. */
    boolean enabled = true;
    boolean discarded;
    long largestAcked = -1;
    long lossTime = Long.MAX_VALUE;
    long timeOfLastAckEliciting;
    int ackElicitingInFlight;
    int probesWanted;

    boolean armable() {
        return enabled && !discarded;
    }
}
