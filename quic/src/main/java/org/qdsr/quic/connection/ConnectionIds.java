package org.qdsr.quic.connection;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;
import org.qdsr.quic.crypto.StatelessResetTokens;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.quic.wire.ConnectionIdGenerator;
import org.qdsr.quic.wire.NewConnectionIdFrame;
import org.qdsr.quic.wire.RetireConnectionIdFrame;

/**
 * Connection IDs in both directions (RFC 9000 §5.1): the IDs we issued (routed to us by the
 * endpoint, each with a stateless reset token) and the IDs the peer issued (one active, the
 * others spare for migration and rotation; retired on request).
 */
final class ConnectionIds {
    /** A connection ID with its sequence number and stateless reset token. */
    record Issued(long sequence, ConnectionId id, byte[] resetToken) {
    }

    private final Map<Long, Issued> local = new LinkedHashMap<>();
    private final Map<Long, Issued> peer = new LinkedHashMap<>();
    private final RandomGenerator random;
    private final StatelessResetTokens resetTokens;
    private final ConnectionIdGenerator generator;
    private final ConnectionIdListener listener;
    private long nextLocalSequence;
    private long peerRetirePriorTo;
    private long activePeerSequence;
    private int peerActiveLimit = 2;

    ConnectionIds(RandomGenerator random, StatelessResetTokens resetTokens, ConnectionIdGenerator generator,
                  ConnectionIdListener listener) {
        this.random = random;
        this.resetTokens = resetTokens;
        this.generator = generator;
        this.listener = listener;
    }

    /** Registers our first connection ID (sequence 0, from the handshake). */
    Issued addInitialLocal(ConnectionId id) {
        Issued i = new Issued(nextLocalSequence++, id, resetTokens == null ? null : resetTokens.tokenFor(id));
        local.put(i.sequence(), i);
        return i;
    }

    /** Sets the peer's handshake connection ID (sequence 0) and its reset token, if any. */
    void setInitialPeer(ConnectionId id, byte[] resetToken) {
        peer.put(0L, new Issued(0, id, resetToken));
        activePeerSequence = 0;
    }

    void setPeerResetToken(byte[] token) {
        Issued first = peer.get(0L);
        if (first != null) {
            peer.put(0L, new Issued(0, first.id(), token));
        }
    }

    void setPeerActiveLimit(int limit) {
        peerActiveLimit = Math.max(2, Math.min(limit, 8));
    }

    ConnectionId activePeer() {
        Issued i = peer.get(activePeerSequence);
        return i == null ? ConnectionId.EMPTY : i.id();
    }

    /** Issues new local IDs up to the peer's active_connection_id_limit; returns the frames to send. */
    List<NewConnectionIdFrame> issueUpToLimit() {
        List<NewConnectionIdFrame> frames = new ArrayList<>();
        while (local.size() < peerActiveLimit) {
            ConnectionId id = generator.next(random);
            Issued i = new Issued(nextLocalSequence++, id, resetTokens.tokenFor(id));
            local.put(i.sequence(), i);
            listener.onIssued(id);
            frames.add(new NewConnectionIdFrame(-1, i.sequence(), 0, id, i.resetToken()));
        }
        return frames;
    }

    /** The peer retired one of our IDs (RFC 9000 §19.16); returns frames for a replacement. */
    List<NewConnectionIdFrame> onRetire(RetireConnectionIdFrame f, ConnectionId packetDcid) throws QuicException {
        if (f.sequenceNumber() >= nextLocalSequence) {
            throw new QuicException(TransportError.PROTOCOL_VIOLATION, f.type(), "retired an unissued connection ID");
        }
        Issued i = local.get(f.sequenceNumber());
        if (i != null && i.id().equals(packetDcid)) {
            throw new QuicException(TransportError.PROTOCOL_VIOLATION, f.type(), "retired the ID in use");
        }
        if (i != null) {
            local.remove(f.sequenceNumber());
            listener.onRetired(i.id());
        }
        return issueUpToLimit();
    }

    /** A NEW_CONNECTION_ID from the peer (RFC 9000 §19.15); returns RETIRE frames we must send. */
    List<RetireConnectionIdFrame> onNewConnectionId(NewConnectionIdFrame f, int ourLimit) throws QuicException {
        Issued existing = peer.get(f.sequenceNumber());
        if (existing != null && !existing.id().equals(f.connectionId())) {
            throw new QuicException(TransportError.PROTOCOL_VIOLATION, f.type(), "sequence reused with another ID");
        }
        List<RetireConnectionIdFrame> retire = new ArrayList<>();
        if (f.sequenceNumber() < peerRetirePriorTo) {
            retire.add(new RetireConnectionIdFrame(-1, f.sequenceNumber()));
            return retire;
        }
        peer.put(f.sequenceNumber(), new Issued(f.sequenceNumber(), f.connectionId(), f.statelessResetToken()));
        if (f.retirePriorTo() > peerRetirePriorTo) {
            peerRetirePriorTo = f.retirePriorTo();
            for (Iterator<Issued> it = peer.values().iterator(); it.hasNext();) {
                Issued i = it.next();
                if (i.sequence() < peerRetirePriorTo) {
                    it.remove();
                    retire.add(new RetireConnectionIdFrame(-1, i.sequence()));
                }
            }
            if (!peer.containsKey(activePeerSequence)) {
                activePeerSequence = peer.keySet().stream().min(Long::compare).orElse(activePeerSequence);
            }
        }
        if (peer.size() > ourLimit) {
            throw new QuicException(TransportError.CONNECTION_ID_LIMIT_ERROR, f.type(), "too many connection IDs");
        }
        return retire;
    }

    /**
     * Switches to an unused peer connection ID (rotation or migration, RFC 9000 §9.5). Returns
     * the RETIRE frame for the old one, or null when no spare ID exists.
     */
    RetireConnectionIdFrame rotatePeer() {
        Issued spare = nextSparePeer();
        if (spare == null) {
            return null;
        }
        long old = activePeerSequence;
        peer.remove(old);
        activePeerSequence = spare.sequence();
        return new RetireConnectionIdFrame(-1, old);
    }

    /**
     * The ID to answer a probe from another address under: the spare a migration there would
     * move to ({@link #rotatePeer}), so that no ID is seen at both addresses (RFC 9000 §9.5); the
     * active one when there is no spare.
     */
    ConnectionId probePeer() {
        Issued spare = nextSparePeer();
        return spare == null ? activePeer() : spare.id();
    }

    private Issued nextSparePeer() {
        for (Issued i : peer.values()) {
            if (i.sequence() > activePeerSequence) {
                return i;
            }
        }
        return null;
    }

    /** True when the last 16 bytes of a datagram equal a reset token the peer gave us (RFC 9000 §10.3.1). */
    boolean isStatelessReset(byte[] buf, int off, int len) {
        if (len < 21) {
            return false;
        }
        for (Issued i : peer.values()) {
            if (i.resetToken() != null && StatelessResetTokens.matches(buf, off + len - 16, i.resetToken())) {
                return true;
            }
        }
        return false;
    }

    List<ConnectionId> localIds() {
        List<ConnectionId> ids = new ArrayList<>();
        for (Issued i : local.values()) {
            ids.add(i.id());
        }
        return ids;
    }
}
