package org.qdsr.quic.connection;

import java.util.ArrayDeque;
import org.qdsr.quic.EncryptionLevel;
import org.qdsr.quic.crypto.PacketProtection;
import org.qdsr.quic.recovery.ReceivedPacketTracker;
import org.qdsr.quic.stream.ReceiveStream;
import org.qdsr.quic.stream.SendStream;
import org.qdsr.quic.wire.Frame;

/**
 * One packet-number space (RFC 9000 §12.3): its packet numbers, received-packet tracking for
 * ACKs, the CRYPTO stream in both directions and control frames waiting to be sent. Initial and
 * Handshake spaces hold their own keys; the application space's keys live in {@link OneRttKeys}.
 */
final class PacketSpace {
    /** Upper bound on buffered CRYPTO data per level (RFC 9000 §7.5). */
    static final int CRYPTO_BUFFER_LIMIT = 1 << 18;

    final EncryptionLevel level;
    /** Index of this space in the path's {@code Recovery}. */
    final int recoveryIndex;
    final ReceivedPacketTracker received;
    final SendStream cryptoOut;
    final ReceiveStream cryptoIn;
    final ArrayDeque<Frame> pendingControl = new ArrayDeque<>();

    PacketProtection sealer;
    PacketProtection opener;
    long nextPacketNumber;
    boolean discarded;

    PacketSpace(EncryptionLevel level, int recoveryIndex, ReceivedPacketTracker received) {
        this.level = level;
        this.recoveryIndex = recoveryIndex;
        this.received = received;
        this.cryptoOut = StreamParts.cryptoSendStream();
        this.cryptoIn = StreamParts.cryptoReceiveStream(CRYPTO_BUFFER_LIMIT);
    }

    boolean canSend() {
        return !discarded && sealer != null;
    }

    void discard() {
        discarded = true;
        sealer = null;
        opener = null;
        pendingControl.clear();
    }
}
