package org.qdsr.quic.path;

/**
 * The real server's half of QDSR's {@code instructed} mode: it holds the connection's current
 * 1-RTT write keys and turns a {@link SendInstruction} plus the stream bytes it names into a
 * protected datagram. It never numbers packets and keeps no recovery state: the load balancer
 * owns the one packet-number space. Key updates arrive from the LB before any instruction of the
 * new generation (RFC 9001 §6: a packet never uses older keys than a lower-numbered one).
 */
public final class InstructedSealer {
    private PathKeys keys;

    /** Keys from the handoff snapshot; its path ID, streams and credit are not used here. */
    public InstructedSealer(ConnectionSnapshot s) {
        this.keys = new PathKeys(s.suite(), s.oneRttWriteSecret(), s.effectiveHeaderProtectionKey(), s.keyPhase(),
                s.keyGeneration());
    }

    /** Installs the next generation's write secret (KeyUpdate from the LB); older ones are ignored. */
    public void updateKeys(long generation, boolean keyPhase, byte[] secret) {
        if (generation <= keys.generation()) {
            return;
        }
        PathKeys next = keys.updated(secret, keyPhase);
        while (next.generation() < generation) {
            next = next.updated(secret, keyPhase);
        }
        keys = next;
    }

    public long keyGeneration() {
        return keys.generation();
    }

    /**
     * Writes the protected packet for {@code i} into {@code out} (at least
     * {@link SendInstruction#datagramSize()} bytes) and returns its length, or -1 if the
     * instruction names a key generation this sealer does not hold.
     */
    public int seal(SendInstruction i, byte[] data, int dataOff, byte[] out) {
        if (i.keyGeneration() != keys.generation() || i.keyPhase() != keys.keyPhase()) {
            return -1;
        }
        int pnOffset = InstructedPacket.write(i, data, dataOff, out);
        int payloadEnd = InstructedPacket.datagramSize(i) - InstructedPacket.TAG;
        return keys.seal(out, 0, pnOffset, i.pnLength(), payloadEnd, i.packetNumber(), 0);
    }
}
