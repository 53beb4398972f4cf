package org.qdsr.app.config;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.qdsr.app.net.HostPort;
import org.qdsr.lb.Peering;

/**
 * Several LBs for one VIP (docs/operations.md): YAML keys {@code lb-id}, {@code forward-listen}
 * and {@code peers} (a list of {@code {id, address}}), flags {@code --lb-id}, {@code
 * --forward-listen} and {@code --peer ID=HOST:PORT}. A null field is "not set".
 *
 * @param lbId          this LB's id (0..255), in every connection ID it issues
 * @param peers         the other LBs of the VIP and where each receives forwarded datagrams
 * @param forwardListen where this LB receives forwarded datagrams
 */
public record Peers(Integer lbId, List<Peer> peers, HostPort forwardListen) {
    /** Another LB of the VIP. */
    public record Peer(int id, HostPort address) {
    }

    public Peers {
        peers = peers == null ? null : List.copyOf(peers);
    }

    static Peers read(YamlNode root) throws ConfigException {
        Integer id = root.integer("lb-id");
        HostPort listen = root.hostPort("forward-listen");
        List<Peer> peers = null;
        if (root.has("peers")) {
            peers = new ArrayList<>();
            for (YamlNode p : root.children("peers")) {
                Integer pid = p.integer("id");
                HostPort address = p.hostPort("address");
                p.finish();
                if (pid == null || address == null) {
                    throw p.error(pid == null ? "id" : "address", "required (each peer has an id and the"
                            + " HOST:PORT where it receives forwarded datagrams)");
                }
                peers.add(new Peer(pid, address));
            }
        }
        return id == null && listen == null && peers == null ? null : new Peers(id, peers, listen);
    }

    /** {@code --lb-id}, {@code --peer ID=HOST:PORT}..., {@code --forward-listen}; null when none is given. */
    public static Peers flags(Integer lbId, List<String> peerSpecs, String forwardListen) throws ConfigException {
        List<Peer> peers = null;
        if (peerSpecs != null && !peerSpecs.isEmpty()) {
            peers = new ArrayList<>();
            for (String spec : peerSpecs) {
                int eq = spec.indexOf('=');
                try {
                    if (eq <= 0) {
                        throw new IllegalArgumentException("no ID=");
                    }
                    peers.add(new Peer(Integer.parseInt(spec.substring(0, eq).trim()),
                            HostPort.parse(spec.substring(eq + 1))));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("--peer " + spec + ": " + e.getMessage() + " (expected ID=HOST:PORT)");
                }
            }
        }
        HostPort listen = Flags.hostPort("--forward-listen", forwardListen);
        return lbId == null && peers == null && listen == null ? null : new Peers(lbId, peers, listen);
    }

    /** {@code over}'s fields where set, else {@code base}'s. */
    static Peers overlay(Peers base, Peers over) {
        if (over == null) {
            return base;
        }
        if (base == null) {
            return over;
        }
        return new Peers(LbConfig.or(over.lbId, base.lbId), LbConfig.or(over.peers, base.peers),
                LbConfig.or(over.forwardListen, base.forwardListen));
    }

    /** The combination is usable: an id in range, peers with other unique ids, a secret to key the envelopes. */
    void check(String source, boolean haveSecret) throws ConfigException {
        if (lbId == null) {
            throw ConfigException.at(source, "lb-id (--lb-id)", "required with peers or forward-listen");
        }
        if (lbId < 0 || lbId > Peering.MAX_LB_ID) {
            throw ConfigException.at(source, "lb-id (--lb-id)", "must be 0.." + Peering.MAX_LB_ID + ", was " + lbId);
        }
        Set<Integer> ids = new HashSet<>();
        for (Peer p : peers == null ? List.<Peer>of() : peers) {
            if (p.id() < 0 || p.id() > Peering.MAX_LB_ID || p.id() == lbId || !ids.add(p.id())) {
                throw ConfigException.at(source, "peers (--peer)", "peer id " + p.id() + " must be 0.."
                        + Peering.MAX_LB_ID + ", unique and not this LB's own id " + lbId);
            }
        }
        if (!ids.isEmpty() && !haveSecret) {
            throw ConfigException.at(source, "peers (--peer)", "forwarding between LBs needs the VIP's shared"
                    + " secret (secret-file, or vip.secret in the control TLS folder)");
        }
        if (!ids.isEmpty() && forwardListen == null) {
            throw ConfigException.at(source, "forward-listen (--forward-listen)", "required with peers (where the"
                    + " peers send this LB the datagrams of its connections)");
        }
    }

    Peering toPeering() throws UnknownHostException {
        Map<Integer, InetSocketAddress> resolved = new TreeMap<>();
        for (Peer p : peers == null ? List.<Peer>of() : peers) {
            resolved.put(p.id(), p.address().resolve());
        }
        return new Peering(lbId, resolved, forwardListen == null ? null : forwardListen.resolve(),
                Peering.DEFAULT_MAX_AGE_MILLIS);
    }
}
