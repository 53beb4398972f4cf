package org.qdsr.rs;

import org.qdsr.control.message.ControlMessage;
import org.qdsr.control.message.PeerAddressUpdate;

/**
 * Applies the LB's {@link PeerAddressUpdate}: the client of a connection moved (NAT rebinding or
 * migration, RFC 9000 §9) and the LB validated its new address, so this RS sends every later
 * datagram of that connection there: the isolated path's packets (retransmissions included; the
 * path's congestion state and RTT restart when the IP changed, RFC 9000 §9.4) and the instructed
 * packets. After an active migration the isolated path also switches to the fresh connection ID
 * the LB names (RFC 9000 §9.5). Logs the change (connection key and address only, never keys).
 */
final class PeerAddressFollower {
    private static final System.Logger LOG = System.getLogger(PeerAddressFollower.class.getName());

    private PeerAddressFollower() {
    }

    static void apply(RsConnection c, PeerAddressUpdate u, RsCounters counters) {
        java.net.InetSocketAddress to = u.peerAddress();
        boolean ipChanged = false;
        if (c.sender != null) {
            ipChanged = c.sender.onPeerAddressChanged(to, u.pathConnectionId());
        }
        if (c.client != null) {
            ipChanged |= !c.client.getAddress().equals(to.getAddress());
            c.client = to;
        }
        counters.peerAddressUpdates++;
        if (ipChanged) {
            counters.peerIpChanges++;
        }
        LOG.log(System.Logger.Level.INFO, "rs: connection {0} on link {1}: client moved to {2}{3}{4}",
                Long.toHexString(c.connectionKey), c.linkId, to, ipChanged ? " (new IP: congestion state reset)" : "",
                u.pathConnectionId() != null && c.sender != null ? ", path under a new connection ID" : "");
    }

    /** An update for a connection this RS does not hold (its streams ended, or it never had one): dropped. */
    static void logUnknown(ControlMessage m, long linkId) {
        if (m instanceof PeerAddressUpdate u) {
            LOG.log(System.Logger.Level.INFO, "rs: PeerAddressUpdate for unknown connection {0} on link {1} dropped",
                    Long.toHexString(u.connectionKey()), linkId);
        }
    }
}
