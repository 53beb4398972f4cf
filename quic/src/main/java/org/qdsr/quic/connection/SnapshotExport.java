package org.qdsr.quic.connection;

import java.util.ArrayList;
import java.util.List;
import org.qdsr.quic.path.ConnectionSnapshot;
import org.qdsr.quic.wire.ConnectionId;

/**
 * What a connection hands another sender ({@link QuicConnection#exportPath},
 * {@link QuicConnection#exportInstructed}): its 1-RTT write keys, the client's connection ID and
 * address, RTT state and, for a path, the streams and the credit reserved for them. The
 * snapshots hold traffic secrets: they travel only over the TLS control channel.
 */
final class SnapshotExport {
    private SnapshotExport() {
    }

    static ConnectionSnapshot path(QuicConnection c, long pathId, List<Long> streamIds, long credit) {
        ConnectionId dcid = c.peerConnectionIdForPath(pathId);
        if (c.oneRtt == null || dcid == null || !c.multipath.serverPaths()) {
            throw new IllegalStateException("path " + pathId + " is not available for a handoff");
        }
        // Each stream's starting limit is covered by credit reserved for it, so that any final
        // size up to that limit fits in the peer's connection credit (RFC 9000 §4.1, §4.5).
        long available = Math.min(credit, c.streams.flow.sendCredit());
        long reserved = 0;
        List<ConnectionSnapshot.StreamSnapshot> handed = new ArrayList<>();
        for (long id : streamIds) {
            long limit = Math.min(c.streams.handOff(id), available - reserved);
            reserved += limit;
            handed.add(ConnectionSnapshot.StreamSnapshot.fresh(id, limit));
        }
        return snapshot(c, dcid, pathId, c.reserveCredit(reserved), exportedWindow(c), handed);
    }

    static ConnectionSnapshot instructed(QuicConnection c) {
        if (c.oneRtt == null) {
            throw new IllegalStateException("no 1-RTT keys yet");
        }
        return snapshot(c, c.cids.activePeer(), 0, 0, 0, List.of());
    }

    /**
     * The congestion window a newly exported path may start with: what the client acknowledged
     * within one round trip on the paths exported before (see {@link ExportedPathDelivery}), or 0
     * (the importer's initial window) before there is such a sample.
     */
    private static long exportedWindow(QuicConnection c) {
        return c.exportedDelivery.packetsPerRoundTrip() * c.maxDatagramSize;
    }

    private static ConnectionSnapshot snapshot(QuicConnection c, ConnectionId dcid, long pathId, long credit,
                                               long congestionWindow, List<ConnectionSnapshot.StreamSnapshot> handed) {
        var write = c.oneRtt.write();
        return new ConnectionSnapshot(ConnectionSnapshot.VERSION, write.suite(), write.secret(),
                c.oneRtt.writeHeaderProtectionKey(), c.oneRtt.writePhase(), c.oneRtt.writeGeneration(), dcid, pathId,
                c.path.validatedAddress(), c.maxDatagramSize, c.peerMaxAckDelayNanos, c.peerAckDelayExponent, 0,
                c.recovery.rtt().exportState(), credit, congestionWindow, handed);
    }
}
