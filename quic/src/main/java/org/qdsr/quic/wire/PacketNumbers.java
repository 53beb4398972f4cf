package org.qdsr.quic.wire;

/** Packet number truncation and recovery (RFC 9000 §17.1, Appendix A.2 and A.3). */
public final class PacketNumbers {
    /** Packet numbers are at most 2^62-1 (RFC 9000 §12.3). */
    public static final long MAX = VarInt.MAX;

    private PacketNumbers() {
    }

    /**
     * Bytes (1..4) needed to send {@code pn} so that the receiver can recover it: enough bits for
     * more than twice the range of unacknowledged packet numbers (§17.1, A.2).
     * {@code largestAcked} is -1 when nothing was acknowledged in this space.
     */
    public static int encodedLength(long pn, long largestAcked) {
        long numUnacked = largestAcked < 0 ? pn + 1 : pn - largestAcked;
        if (numUnacked < 1) {
            throw new IllegalArgumentException("packet number " + pn + " <= largest acked " + largestAcked);
        }
        int bits = 64 - Long.numberOfLeadingZeros(numUnacked) + 1; // bits of 2 * numUnacked
        return Math.min(4, Math.max(1, (bits + 7) / 8));
    }

    /** Writes the low {@code pnLength} bytes of {@code pn}. */
    public static void writeTruncated(ByteWriter w, long pn, int pnLength) {
        for (int i = pnLength - 1; i >= 0; i--) {
            w.writeUint8((int) (pn >>> (8 * i)));
        }
    }

    /**
     * Recovers a full packet number from its {@code pnLengthBytes}-byte truncation (A.3).
     * {@code largestReceived} is -1 when no packet was processed yet in this space.
     */
    public static long decode(long truncated, int pnLengthBytes, long largestReceived) {
        long expected = largestReceived + 1;
        long win = 1L << (pnLengthBytes * 8);
        long hwin = win / 2;
        long mask = win - 1;
        long candidate = (expected & ~mask) | truncated;
        if (candidate <= expected - hwin && candidate < (1L << 62) - win) {
            return candidate + win;
        }
        if (candidate > expected + hwin && candidate >= win) {
            return candidate - win;
        }
        return candidate;
    }
}
