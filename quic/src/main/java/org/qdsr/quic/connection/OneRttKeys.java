package org.qdsr.quic.connection;

import org.qdsr.quic.crypto.PacketProtection;

/**
 * The 1-RTT packet protection keys and key updates (RFC 9001 §6). Read and write generations
 * are tracked separately: after we initiate an update we write with generation n+1 while the
 * peer's packets still arrive under n until it responds; after the peer initiates, the first
 * packet that opens with the next read keys makes us respond by updating our write keys.
 * The previous read keys are kept for reordered packets until {@link #discardPrevious}.
 */
final class OneRttKeys {
    private PacketProtection read;
    private PacketProtection write;
    private PacketProtection nextRead;
    private PacketProtection previousRead;
    private long previousDiscardAt = Long.MAX_VALUE;
    private boolean readPhase;
    private boolean writePhase;
    private long readGeneration;
    private long writeGeneration;
    private long firstPacketOfReadGeneration = -1;
    private long firstPacketOfWriteGeneration = -1;
    private boolean writeGenerationAcked;

    /** Derived once from the generation-0 write secret; it serves every generation (RFC 9001 §6). */
    private final byte[] writeHeaderProtectionKey;

    OneRttKeys(PacketProtection read, PacketProtection write) {
        this.read = read;
        this.write = write;
        this.writeHeaderProtectionKey = write.headerProtectionKey();
    }

    /**
     * The write header protection key ("quic hp" of the generation-0 write secret, RFC 9001 §5.4),
     * which key updates do not change (RFC 9001 §6). The cached array itself: callers copy, never modify.
     */
    byte[] writeHeaderProtectionKey() {
        return writeHeaderProtectionKey;
    }

    PacketProtection write() {
        return write;
    }

    boolean writePhase() {
        return writePhase;
    }

    long writeGeneration() {
        return writeGeneration;
    }

    /** The read keys to try for a packet with key phase {@code phase} and packet number {@code pn}. */
    PacketProtection openerFor(boolean phase, long pn) {
        if (phase == readPhase) {
            if (previousRead != null && firstPacketOfReadGeneration >= 0 && pn < firstPacketOfReadGeneration) {
                return previousRead;
            }
            return read;
        }
        if (previousRead != null && firstPacketOfReadGeneration >= 0 && pn < firstPacketOfReadGeneration) {
            return previousRead;
        }
        if (nextRead == null) {
            nextRead = read.nextGeneration();
        }
        return nextRead;
    }

    /** The previous generation's read keys while they are kept (RFC 9001 §6.5), else null. */
    PacketProtection previousRead() {
        return previousRead;
    }

    /** Read keys by key phase alone, for extra paths whose packet numbers are not comparable with path 0's. */
    PacketProtection openerByPhase(boolean phase) {
        if (phase == readPhase) {
            return read;
        }
        if (nextRead == null) {
            nextRead = read.nextGeneration();
        }
        return nextRead;
    }

    /**
     * Called after a packet opened successfully with {@code used}. If those were the next read
     * keys, the peer updated: rotate, and respond with our own update if we had not initiated.
     * Returns true when the read generation advanced.
     */
    boolean onPacketOpened(PacketProtection used, boolean phase, long pn, long now, long discardDelay) {
        if (used != nextRead) {
            if (used == read && firstPacketOfReadGeneration < 0 && pn >= 0) {
                firstPacketOfReadGeneration = pn;
            }
            return false;
        }
        previousRead = read;
        previousDiscardAt = now + discardDelay;
        read = nextRead;
        nextRead = null;
        readPhase = phase;
        readGeneration++;
        firstPacketOfReadGeneration = pn; // -1 when learned on an extra path
        if (writeGeneration < readGeneration) {
            rotateWrite();
        }
        return true;
    }

    /** We may initiate only when both sides are on the same generation and our current one was acknowledged. */
    boolean canInitiate() {
        return writeGeneration == readGeneration && writeGenerationAcked;
    }

    void initiate() {
        rotateWrite();
    }

    private void rotateWrite() {
        write = write.nextGeneration();
        writePhase = !writePhase;
        writeGeneration++;
        writeGenerationAcked = false;
        firstPacketOfWriteGeneration = -1;
    }

    void onPacketSent(long pn) {
        if (firstPacketOfWriteGeneration < 0) {
            firstPacketOfWriteGeneration = pn;
        }
    }

    void onPacketAcked(long pn) {
        if (firstPacketOfWriteGeneration >= 0 && pn >= firstPacketOfWriteGeneration) {
            writeGenerationAcked = true;
        }
    }

    long previousDiscardAt() {
        return previousRead == null ? Long.MAX_VALUE : previousDiscardAt;
    }

    void discardPrevious(long now) {
        if (previousRead != null && now >= previousDiscardAt) {
            previousRead = null;
            previousDiscardAt = Long.MAX_VALUE;
        }
    }

    /** The current read and write keys, for exporting connection state. */
    PacketProtection read() {
        return read;
    }

    boolean readPhase() {
        return readPhase;
    }
}
