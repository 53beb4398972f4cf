package org.qdsr.quic.connection;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;
import org.qdsr.quic.crypto.StatelessResetTokens;
import org.qdsr.quic.recovery.ReceivedPacketTracker;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.quic.wire.NewConnectionIdFrame;
import org.qdsr.quic.wire.RetireConnectionIdFrame;
import org.qdsr.quic.wire.TransportParameters;

/**
 * The multipath state of a connection (draft-ietf-quic-multipath-21) as QDSR uses it: the
 * client issues one connection ID per extra path ID and, because it announced {@code
 * server_paths}, accepts packets the server side sends on those paths, each path with its own
 * packet-number space (received-packet tracking and PATH_ACK). The server side learns the
 * client's per-path connection IDs, which it hands to the senders of those paths.
 *
 * <p>The client issues {@link #IDS_PER_PATH} IDs per path, so that the server side can move a
 * path to a fresh one when the client migrates (RFC 9000 §9.5), and replaces each ID the server
 * side retires with PATH_RETIRE_CONNECTION_ID (draft-21 §8.10, RFC 9000 §5.1.2).
 */
final class Multipath {
    /** Connection IDs the client issues per path, at most the peer's active_connection_id_limit. */
    static final int IDS_PER_PATH = 2;

    /** A client-issued connection ID for a path, as the server side learned it. */
    record PathId(long pathId, long sequence, ConnectionId connectionId, byte[] resetToken) {
    }

    private final boolean isClient;
    private final ConnectionConfig config;
    private final Map<ConnectionId, Long> localPathOf = new HashMap<>();
    /** Client: per path, the IDs it issued and has not seen retired, by sequence number. */
    private final Map<Long, TreeMap<Long, ConnectionId>> localIds = new HashMap<>();
    private final Map<Long, Long> nextLocalSequence = new HashMap<>();
    /** Client: per path, the ID retired last, still accepted (see {@link #onPathRetire}). */
    private final Map<Long, ConnectionId> lastRetired = new HashMap<>();
    private final Map<Long, ReceivedPacketTracker> received = new LinkedHashMap<>();
    /** Server: per path, the client's IDs by sequence number; the lowest is the one in use. */
    private final Map<Long, TreeMap<Long, PathId>> peerPaths = new LinkedHashMap<>();
    /** Server: per path, the sequence numbers below this were retired. */
    private final Map<Long, Long> peerRetiredBelow = new HashMap<>();
    private RandomGenerator random;
    private StatelessResetTokens resetTokens;
    private ConnectionIdListener idListener;
    private long peerIdLimit = TransportParameters.DEFAULT_ACTIVE_CONNECTION_ID_LIMIT;
    private long negotiatedMaxPathId = -1;
    private boolean serverPathsAllowed;
    private long packetsReceivedOnPaths;

    Multipath(boolean isClient, ConnectionConfig config) {
        this.isClient = isClient;
        this.config = config;
    }

    /** Both sides must send initial_max_path_id (draft-21 §2); the lower value bounds the path IDs. */
    void onPeerParameters(TransportParameters peer) {
        if (config.initialMaxPathId() >= 0 && peer.initialMaxPathId() != null) {
            negotiatedMaxPathId = Math.min(config.initialMaxPathId(), peer.initialMaxPathId());
        }
        serverPathsAllowed = isClient ? config.serverPaths() : peer.serverPaths();
        peerIdLimit = peer.activeConnectionIdLimit();
    }

    boolean negotiated() {
        return negotiatedMaxPathId >= 0;
    }

    long maxPathId() {
        return negotiatedMaxPathId;
    }

    /** True when the server side may send on client-issued path IDs (QDSR's server_paths). */
    boolean serverPaths() {
        return negotiated() && serverPathsAllowed;
    }

    /**
     * Client: {@link #IDS_PER_PATH} connection IDs per path 1..max (fewer if the peer's
     * active_connection_id_limit is lower), announced with PATH_NEW_CONNECTION_ID.
     */
    List<NewConnectionIdFrame> issuePathIds(RandomGenerator random, StatelessResetTokens tokens,
                                            ConnectionIdListener listener) {
        List<NewConnectionIdFrame> frames = new ArrayList<>();
        if (!isClient || !serverPaths()) {
            return frames;
        }
        this.random = random;
        this.resetTokens = tokens;
        this.idListener = listener;
        long perPath = Math.min(IDS_PER_PATH, peerIdLimit);
        for (long path = 1; path <= negotiatedMaxPathId; path++) {
            received.put(path, RecoveryParts.tracker(config, false));
            for (int i = 0; i < perPath; i++) {
                frames.add(issue(path));
            }
        }
        return frames;
    }

    private NewConnectionIdFrame issue(long path) {
        ConnectionId id = ConnectionId.random(random, config.connectionIdLength());
        long sequence = nextLocalSequence.merge(path, 1L, Long::sum) - 1;
        localPathOf.put(id, path);
        localIds.computeIfAbsent(path, p -> new TreeMap<>()).put(sequence, id);
        idListener.onIssued(id);
        return new NewConnectionIdFrame(path, sequence, 0, id, resetTokens.tokenFor(id));
    }

    /**
     * Client: the server side retired one of a path's IDs (PATH_RETIRE_CONNECTION_ID,
     * draft-21 §8.10), and a replacement is issued (RFC 9000 §5.1.2). Packets under the retired
     * ID still arrive from the path's sender for a while; they are taken until the path's next
     * retirement, when that ID stops routing here.
     * Retiring an ID never issued, or the one the carrying packet was sent to, is a
     * PROTOCOL_VIOLATION (RFC 9000 §19.16). A server side ignores the frame: it issued none.
     */
    List<NewConnectionIdFrame> onPathRetire(RetireConnectionIdFrame f, ConnectionId packetDcid)
            throws QuicException {
        if (!isClient) {
            return List.of();
        }
        if (f.sequenceNumber() >= nextLocalSequence.getOrDefault(f.pathId(), 0L)) {
            throw new QuicException(TransportError.PROTOCOL_VIOLATION, f.type(), "retired an unissued connection ID");
        }
        ConnectionId id = localIds.get(f.pathId()).get(f.sequenceNumber());
        if (id == null) {
            return List.of(); // retired before (a retransmission)
        }
        if (id.equals(packetDcid)) {
            throw new QuicException(TransportError.PROTOCOL_VIOLATION, f.type(), "retired the ID in use");
        }
        localIds.get(f.pathId()).remove(f.sequenceNumber());
        // The path's sender may have packets under the old ID in flight (it learns of the new one
        // as the retirement leaves): they are still taken until the path's next retirement.
        ConnectionId older = lastRetired.put(f.pathId(), id);
        if (older != null) {
            localPathOf.remove(older);
            idListener.onRetired(older);
        }
        return List.of(issue(f.pathId()));
    }

    /** The path a received short-header packet belongs to, by its destination connection ID (0 = the handshake path). */
    long pathOf(ConnectionId dcid) {
        Long p = localPathOf.get(dcid);
        return p == null ? 0 : p;
    }

    ReceivedPacketTracker tracker(long pathId) {
        return received.get(pathId);
    }

    Collection<Map.Entry<Long, ReceivedPacketTracker>> trackers() {
        return received.entrySet();
    }

    void onPathPacket() {
        packetsReceivedOnPaths++;
    }

    long packetsReceivedOnPaths() {
        return packetsReceivedOnPaths;
    }

    /**
     * Server side: a connection ID of the client's for a path. One the server side retired
     * already is ignored; more than its active_connection_id_limit per path is a
     * CONNECTION_ID_LIMIT_ERROR (RFC 9000 §5.1.1), the same sequence with another ID a
     * PROTOCOL_VIOLATION (§19.15).
     */
    void onPeerPathConnectionId(NewConnectionIdFrame f) throws QuicException {
        if (f.sequenceNumber() < peerRetiredBelow.getOrDefault(f.pathId(), 0L)) {
            return;
        }
        TreeMap<Long, PathId> ids = peerPaths.computeIfAbsent(f.pathId(), p -> new TreeMap<>());
        PathId known = ids.get(f.sequenceNumber());
        if (known != null && !known.connectionId().equals(f.connectionId())) {
            throw new QuicException(TransportError.PROTOCOL_VIOLATION, f.type(), "sequence reused with another ID");
        }
        ids.put(f.sequenceNumber(), new PathId(f.pathId(), f.sequenceNumber(), f.connectionId(),
                f.statelessResetToken()));
        if (ids.size() > config.activeConnectionIdLimit()) {
            throw new QuicException(TransportError.CONNECTION_ID_LIMIT_ERROR, f.type(), "too many IDs for one path");
        }
    }

    /** Server side: the client's connection ID in use for a path, or null. */
    PathId peerPath(long pathId) {
        TreeMap<Long, PathId> ids = peerPaths.get(pathId);
        return ids == null || ids.isEmpty() ? null : ids.firstEntry().getValue();
    }

    /**
     * Server side: moves a path to the client's next connection ID for it (RFC 9000 §9.5, after
     * the client migrated) and returns the PATH_RETIRE_CONNECTION_ID for the old one; null, and
     * nothing changes, when the client gave no spare ID for that path.
     */
    RetireConnectionIdFrame rotatePeerPath(long pathId) {
        TreeMap<Long, PathId> ids = peerPaths.get(pathId);
        if (ids == null || ids.size() < 2) {
            return null;
        }
        long old = ids.pollFirstEntry().getKey();
        peerRetiredBelow.put(pathId, old + 1);
        return new RetireConnectionIdFrame(pathId, old);
    }

    List<Long> availablePeerPaths() {
        return new ArrayList<>(peerPaths.keySet());
    }

    List<ConnectionId> localPathIds() {
        return new ArrayList<>(localPathOf.keySet());
    }

    long earliestAckDeadline() {
        long t = Long.MAX_VALUE;
        for (ReceivedPacketTracker r : received.values()) {
            t = Math.min(t, r.ackDeadline());
        }
        return t;
    }

    boolean wantsAckNow(long now) {
        if (received.isEmpty()) {
            return false;
        }
        for (ReceivedPacketTracker r : received.values()) {
            if (r.ackPending() && r.wantsAckNow(now)) {
                return true;
            }
        }
        return false;
    }
}
