package org.qdsr.quic.connection;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.qdsr.quic.crypto.StatelessResetTokens;
import org.qdsr.quic.recovery.ReceivedPacketTracker;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.quic.wire.NewConnectionIdFrame;
import org.qdsr.quic.wire.TransportParameters;

/**
 * The multipath state of a connection (draft-ietf-quic-multipath-21) as QDSR uses it: the
 * client issues one connection ID per extra path ID and, because it announced {@code
 * server_paths}, accepts packets the server side sends on those paths, each path with its own
 * packet-number space (received-packet tracking and PATH_ACK). The server side learns the
 * client's per-path connection IDs, which it hands to the senders of those paths.
 */
final class Multipath {
    /** A client-issued connection ID for a path, as the server side learned it. */
    record PathId(long pathId, ConnectionId connectionId, byte[] resetToken) {
    }

    private final boolean isClient;
    private final ConnectionConfig config;
    private final Map<ConnectionId, Long> localPathOf = new HashMap<>();
    private final Map<Long, ReceivedPacketTracker> received = new LinkedHashMap<>();
    private final Map<Long, PathId> peerPaths = new LinkedHashMap<>();
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

    /** Client: one connection ID per path 1..max, announced with PATH_NEW_CONNECTION_ID. */
    List<NewConnectionIdFrame> issuePathIds(RandomGenerator random, StatelessResetTokens tokens,
                                            ConnectionIdListener listener) {
        List<NewConnectionIdFrame> frames = new ArrayList<>();
        if (!isClient || !serverPaths()) {
            return frames;
        }
        for (long path = 1; path <= negotiatedMaxPathId; path++) {
            ConnectionId id = ConnectionId.random(random, config.connectionIdLength());
            localPathOf.put(id, path);
            received.put(path, RecoveryParts.tracker(config, false));
            listener.onIssued(id);
            frames.add(new NewConnectionIdFrame(path, 0, 0, id, tokens.tokenFor(id)));
        }
        return frames;
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

    /** Server side: the client's connection ID for a path. */
    void onPeerPathConnectionId(NewConnectionIdFrame f) {
        if (f.sequenceNumber() == 0 || !peerPaths.containsKey(f.pathId())) {
            peerPaths.put(f.pathId(), new PathId(f.pathId(), f.connectionId(), f.statelessResetToken()));
        }
    }

    PathId peerPath(long pathId) {
        return peerPaths.get(pathId);
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
