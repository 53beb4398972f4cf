package org.qdsr.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.qdsr.app.config.ConfigException;
import org.qdsr.app.config.Flags;
import org.qdsr.app.config.LbConfig;
import org.qdsr.lb.LoadBalancer;

/**
 * {@code qdsr lb}'s configuration reload (SIGHUP): reads the YAML file again, puts the same
 * command-line flags over it, checks the result as at start-up, and applies what can change
 * while connections stay open: backends (added, removed, weights), routing (routes, policy), the
 * receive-coalescing window, whether 0-RTT is accepted ({@code early-data}), the certificate and
 * key (read again, for new connections: {@link ClientTlsReload}) and, on an LB started with peers,
 * the VIP's other LBs ({@code peers}). Settings that need a restart (listen address, mode, an own
 * certificate instead of a self-signed one or back, admission, lb-id, forward-listen, ...) are
 * reported and kept.
 * A file that does not load or check leaves everything as it was. One reload at a time.
 */
final class LbReload {
    private final Path file;
    private final LbConfig flags;
    private final LoadBalancer lb;
    private final ClientTlsReload clientTls;
    /** What the LB started with: the settings a reload cannot change stay these. */
    private final LbConfig started;
    /** The peers in force (an LB started with peers can change them). */
    private Map<Integer, InetSocketAddress> peers;

    LbReload(Path file, LbConfig flags, LbConfig started, LoadBalancer lb, ClientTlsReload clientTls) {
        this.file = file;
        this.flags = flags;
        this.started = started;
        this.lb = lb;
        this.clientTls = clientTls;
        this.peers = resolvedPeers(started);
    }

    private static Map<Integer, InetSocketAddress> resolvedPeers(LbConfig c) {
        try {
            return c.peeringSettings() == null ? Map.of() : c.peeringSettings().peers();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("peer: unknown host " + e.getMessage());
        }
    }

    /** Reloads; returns the line to print (what changed, or why nothing did). */
    synchronized String reload() {
        if (file == null) {
            return "reload: nothing to reload (started without --config)";
        }
        LbConfig next;
        List<LoadBalancer.BackendSpec> specs;
        Map<Integer, InetSocketAddress> nextPeers;
        ClientTlsReload.Prepared nextTls;
        try {
            next = LbConfig.load(Flags.configFile(file)).overriddenBy(flags).resolve();
            next.checkReferences(flags);
            specs = specs(next);
            nextPeers = peersReloadable(started) ? resolvedPeers(next) : peers;
            nextTls = clientTls.prepare(next);
        } catch (ConfigException | IllegalArgumentException | IOException e) {
            return "reload of " + file + " failed, configuration unchanged: " + e.getMessage();
        }
        LoadBalancer.Reload r;
        try {
            r = lb.reconfigure(specs, next.router(), next.drainTimeout());
        } catch (IOException | RuntimeException e) {
            return "reload of " + file + " failed, configuration unchanged: " + e.getMessage();
        }
        String peerChange = "";
        if (!nextPeers.equals(peers)) {
            try {
                lb.setPeers(nextPeers);
                peers = nextPeers;
                peerChange = "; peers now " + (peers.isEmpty() ? "none" : peers.toString());
            } catch (IOException | RuntimeException e) {
                peerChange = "; peers unchanged: " + e.getMessage();
            }
        }
        List<String> kept = restartOnly(started, next);
        return "reloaded " + file + ": " + r + peerChange + applySettings(next) + applyTls(nextTls)
                + (kept.isEmpty() ? "" : "; needs a restart, not applied: " + kept);
    }

    /** The receive-coalescing window and 0-RTT; returns what changed, for the reload's line. */
    private String applySettings(LbConfig next) {
        String changed = "";
        if (next.coalesceNanos() != lb.coalescing()) {
            lb.setCoalescing(next.coalesceNanos());
            changed += "; coalesce-us now " + next.coalesceMicros();
        }
        if (next.earlyData() != clientTls.current().acceptEarlyData()) {
            clientTls.current().setAcceptEarlyData(next.earlyData());
            changed += "; early-data now " + next.earlyData();
        }
        return changed;
    }

    private String applyTls(ClientTlsReload.Prepared nextTls) {
        if (nextTls == null) {
            return "";
        }
        try {
            return clientTls.apply(nextTls, lb);
        } catch (IOException | RuntimeException e) {
            nextTls.tls().close();
            return "; tls certificate unchanged: " + e.getMessage();
        }
    }

    static List<LoadBalancer.BackendSpec> specs(LbConfig c) throws ConfigException {
        List<LoadBalancer.BackendSpec> specs = new ArrayList<>();
        for (LbConfig.Backend b : c.backends()) {
            InetSocketAddress address;
            try {
                address = b.address().resolve();
            } catch (java.net.UnknownHostException e) {
                throw new ConfigException("backend " + b.name() + ": unknown host " + b.address().host());
            }
            specs.add(new LoadBalancer.BackendSpec(b.name(), address, b.weight()));
        }
        return specs;
    }

    /** The YAML keys whose values differ between {@code a} and {@code b} and that only a restart applies. */
    static List<String> restartOnly(LbConfig a, LbConfig b) {
        List<String> keys = new ArrayList<>();
        differs(keys, "name", a.name(), b.name());
        differs(keys, "listen", a.listen(), b.listen());
        differs(keys, "mode", a.mode(), b.mode());
        differs(keys, "control", a.control(), b.control());
        differs(keys, "tls", a.cert() == null, b.cert() == null); // own certificate or not; files reload
        differs(keys, "metrics", a.metrics(), b.metrics());
        differs(keys, "log-format", a.logFormat(), b.logFormat());
        differs(keys, "ack-frequency", a.ackFrequency(), b.ackFrequency());
        differs(keys, "hystart", a.hyStart(), b.hyStart());
        differs(keys, "retry", a.retryThreshold(), b.retryThreshold());
        differs(keys, "max-connections", a.maxConnections(), b.maxConnections());
        differs(keys, "max-connections-per-client", a.maxConnectionsPerClient(), b.maxConnectionsPerClient());
        differs(keys, "max-request-body", a.maxRequestBody(), b.maxRequestBody());
        differs(keys, "secret-file", a.secretFile(), b.secretFile());
        org.qdsr.app.config.Peers pa = a.peering();
        org.qdsr.app.config.Peers pb = b.peering();
        differs(keys, "lb-id", pa == null ? null : pa.lbId(), pb == null ? null : pb.lbId());
        differs(keys, "forward-listen", pa == null ? null : pa.forwardListen(), pb == null ? null : pb.forwardListen());
        if (!peersReloadable(a)) {
            differs(keys, "peers", pa == null || pa.peers() == null ? List.of() : pa.peers(),
                    pb == null || pb.peers() == null ? List.of() : pb.peers());
        }
        differs(keys, "access-log", a.accessLog(), b.accessLog());
        return keys;
    }

    /**
     * An LB started with peers, or with a forward socket and the VIP secret, has the socket and the
     * envelope key, so its peers can change.
     */
    static boolean peersReloadable(LbConfig started) {
        org.qdsr.app.config.Peers p = started.peering();
        return p != null && (p.peers() != null && !p.peers().isEmpty()
                || p.forwardListen() != null && started.secretFile() != null);
    }

    private static void differs(List<String> keys, String key, Object a, Object b) {
        if (!Objects.equals(a, b)) {
            keys.add(key);
        }
    }
}
