package org.qdsr.lb;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;

/**
 * Several load balancers for one VIP behind ECMP (docs/operations.md): this LB's id, encoded in
 * every connection ID it issues (QUIC-LB plaintext, one octet), and the other LBs of the VIP, to
 * which it passes the datagrams of connections they hold.
 *
 * @param lbId          this LB's id, 0..255, unique among the VIP's LBs
 * @param peers         the other LBs: id to the address where each receives forwarded datagrams
 * @param forwardListen where this LB receives forwarded datagrams (null: it forwards, receives none)
 * @param maxAgeMillis  envelopes older (or newer) than this are refused as replays
 */
public record Peering(int lbId, Map<Integer, InetSocketAddress> peers, InetSocketAddress forwardListen,
                      long maxAgeMillis) {
    /** The highest LB id (one octet of server ID). */
    public static final int MAX_LB_ID = 255;
    /** How far an envelope's timestamp may be from the receiver's clock by default. */
    public static final long DEFAULT_MAX_AGE_MILLIS = 2_000;

    public Peering {
        checkId(lbId, "lb id");
        peers = java.util.Collections.unmodifiableMap(new TreeMap<>(peers));
        for (Map.Entry<Integer, InetSocketAddress> p : peers.entrySet()) {
            checkId(p.getKey(), "peer id");
            if (p.getKey() == lbId) {
                throw new IllegalArgumentException("peer id " + lbId + " is this LB's own id");
            }
        }
        if (maxAgeMillis < 1) {
            throw new IllegalArgumentException("max age must be positive, got " + maxAgeMillis);
        }
    }

    /** An LB with an id and no peers (routable connection IDs, no forwarding). */
    public static Peering alone(int lbId) {
        return new Peering(lbId, Map.of(), null, DEFAULT_MAX_AGE_MILLIS);
    }

    private static void checkId(int id, String what) {
        if (id < 0 || id > MAX_LB_ID) {
            throw new IllegalArgumentException(what + " must be 0.." + MAX_LB_ID + ", got " + id);
        }
    }

    @Override
    public String toString() {
        return "lb id " + lbId + ", peers " + peers + (forwardListen == null ? "" : ", forwarded datagrams on "
                + forwardListen);
    }
}
