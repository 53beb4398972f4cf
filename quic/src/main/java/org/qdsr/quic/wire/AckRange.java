package org.qdsr.quic.wire;

/** An inclusive range of acknowledged packet numbers, {@code smallest <= largest}. */
public record AckRange(long smallest, long largest) {
    public AckRange {
        if (smallest < 0 || largest < smallest) {
            throw new IllegalArgumentException("bad ack range [" + smallest + ", " + largest + "]");
        }
    }

    public boolean contains(long pn) {
        return pn >= smallest && pn <= largest;
    }
}
