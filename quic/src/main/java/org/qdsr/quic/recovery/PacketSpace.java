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
    /** Largest acknowledged packet number per sender 1.. ({@link SentPacket#sender()}); null while only sender 0 sent. */
    private long[] largestAckedBySender;
    /** Latest send time of any acknowledged packet (Long.MIN_VALUE before the first). */
    long latestAckedSendTime = Long.MIN_VALUE;
    long lossTime = Long.MAX_VALUE;
    long timeOfLastAckEliciting;
    int ackElicitingInFlight;
    int probesWanted;
    /** Packet numbers recently declared lost (ring, -1 = empty slot), to notice spurious losses. */
    private long[] recentlyLost;
    int recentlyLostNext;
    /** Some packet was declared lost since the ring was last empty (skips the scan when false). */
    boolean lostSinceCheck;
    /** Remembered lost packets that were acknowledged after all. */
    long spuriousPackets;

    private static long[] newRing() {
        long[] r = new long[128];
        java.util.Arrays.fill(r, -1);
        return r;
    }

    void rememberLost(long pn) {
        if (recentlyLost == null) {
            recentlyLost = newRing(); // only connections that lose packets pay for it
        }
        recentlyLost[recentlyLostNext] = pn;
        recentlyLostNext = (recentlyLostNext + 1) & (recentlyLost.length - 1);
    }

    /** Forgets and counts the remembered lost packets in {@code [smallest, largest]}; returns the smallest found or -1. */
    long takeLostIn(long smallest, long largest) {
        long found = -1;
        boolean any = false;
        if (recentlyLost == null) {
            return -1;
        }
        for (int i = 0; i < recentlyLost.length; i++) {
            long pn = recentlyLost[i];
            if (pn >= smallest && pn <= largest) {
                recentlyLost[i] = -1;
                spuriousPackets++;
                found = found < 0 ? pn : Math.min(found, pn);
            }
            any |= recentlyLost[i] >= 0;
        }
        lostSinceCheck = any;
        return found;
    }

    void onAcked(SentPacket<?> p) {
        latestAckedSendTime = Math.max(latestAckedSendTime, p.timeSentNanos());
        int k = p.sender();
        if (k == 0) {
            return; // sender 0 is compared with largestAcked
        }
        if (largestAckedBySender == null || largestAckedBySender.length <= k) {
            int n = Math.max(k + 1, largestAckedBySender == null ? 4 : 2 * largestAckedBySender.length);
            long[] grown = new long[Math.min(n, Recovery.MAX_SENDER + 1)];
            java.util.Arrays.fill(grown, -1);
            if (largestAckedBySender != null) {
                System.arraycopy(largestAckedBySender, 0, grown, 0, largestAckedBySender.length);
            }
            largestAckedBySender = grown;
        }
        largestAckedBySender[k] = Math.max(largestAckedBySender[k], p.pn());
    }

    /**
     * The largest acknowledged packet that {@code p} can be judged against: for the endpoint's own
     * packets any (they take the direct route), for another sender's only that sender's own, since
     * only those left after {@code p} for sure.
     */
    long largestAckedFor(SentPacket<?> p) {
        int k = p.sender();
        if (k == 0) {
            return largestAcked;
        }
        return largestAckedBySender == null || largestAckedBySender.length <= k ? -1 : largestAckedBySender[k];
    }

    boolean armable() {
        return enabled && !discarded;
    }
}
