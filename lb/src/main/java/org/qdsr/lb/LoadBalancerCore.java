package org.qdsr.lb;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

import org.qdsr.control.message.AckForward;
import org.qdsr.control.message.ControlError;
import org.qdsr.control.message.ControlMessage;
import org.qdsr.control.message.CreditRequest;
import org.qdsr.control.message.Draining;
import org.qdsr.control.message.LoadReport;
import org.qdsr.control.message.ProxyData;
import org.qdsr.control.message.ProxyHead;
import org.qdsr.control.message.SendAddress;
import org.qdsr.control.message.StreamReport;
import org.qdsr.http3.Http3Error;
import org.qdsr.lb.routing.Router;
import org.qdsr.quic.DatagramEndpoint;
import org.qdsr.quic.DatagramSink;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.endpoint.QuicServerEndpoint;
import org.qdsr.quic.tls.ServerTlsContext;
import org.qdsr.quic.wire.ConnectionIdGenerator;

/**
 * The load balancer, sans-I/O: a QUIC server endpoint on the VIP whose connections are
 * {@link LbConnection}s, the backends with their health, the router, and the dispatch of
 * messages that backends send back. The runtime ({@link LoadBalancer}) or an in-memory test
 * drives it: datagrams through {@link DatagramEndpoint}, control traffic through
 * {@link #backendUp}, {@link #backendDown} and {@link #onBackendMessage}. Single-threaded.
 */
public final class LoadBalancerCore implements DatagramEndpoint {
    /**
     * Delivery mode (DESIGN.md): AUTO picks isolated when the client supports server paths and
     * instructed otherwise; ISOLATED falls back to instructed for clients without server paths.
     */
    public enum Mode { AUTO, ISOLATED, INSTRUCTED, PROXY }

    /**
     * Settings of the core. {@code ackHoldNanos}: how long forwarded PATH_ACKs may wait at the LB
     * to leave together with later ones for the same backend (see {@link AckCoalescer}; 0 = until the
     * end of the loop turn). {@code retryThreshold}, {@code maxConnections}, {@code
     * maxConnectionsPerClient} and {@code endpointSecret}: admission control and the stateless-reset
     * and token keys of the VIP's QUIC endpoint ({@link QuicServerEndpoint.Settings}).
     */
    public record Settings(Mode mode, ConnectionConfig connectionConfig, long creditShare, int maxPaths,
                           long ackHoldNanos, int retryThreshold, int maxConnections, byte[] endpointSecret,
                           int maxRequestBody, int maxConnectionsPerClient) {
        /**
         * The default hold of forwarded PATH_ACKs: none beyond the loop turn. A 1 ms hold cut
         * AckForwards 3-5x in dsr-bench but cost a timer wake-up per hold and showed no CPU gain.
         */
        public static final long DEFAULT_ACK_HOLD_NANOS = 0;
        /**
         * New clients get a Retry (RFC 9000 §8.1.2) while this many handshakes are in progress: far
         * above what legitimate arrivals keep open, far below {@link #DEFAULT_MAX_CONNECTIONS}, so
         * that spoofed Initials cannot fill the connection table.
         */
        public static final int DEFAULT_RETRY_THRESHOLD = 1000;
        public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
        /**
         * The largest request body by default: the LB holds a request until it is complete and
         * hands it over whole ({@code Handoff}), so this bounds its memory per request stream (as
         * nginx's client_max_body_size of 1 MiB does). A larger body is answered 413 (RFC 9110
         * §15.5.14) and its client told to stop sending (RFC 9114 §4.1.2); logged as refused.
         */
        public static final int DEFAULT_MAX_REQUEST_BODY = 1 << 20;
        /** The most {@link #maxRequestBody} may be: a handoff (head and body) fits one control message of 16 MiB. */
        public static final int MAX_REQUEST_BODY_LIMIT = 15 << 20;

        public static Settings defaults() {
            return new Settings(Mode.AUTO, ConnectionConfig.defaults(), 1L << 20, 16, DEFAULT_ACK_HOLD_NANOS,
                    DEFAULT_RETRY_THRESHOLD, DEFAULT_MAX_CONNECTIONS, null, DEFAULT_MAX_REQUEST_BODY, 0);
        }

        public Settings withMode(Mode m) {
            return new Settings(m, connectionConfig, creditShare, maxPaths, ackHoldNanos, retryThreshold,
                    maxConnections, endpointSecret, maxRequestBody, maxConnectionsPerClient);
        }

        public Settings withConnectionConfig(ConnectionConfig c) {
            return new Settings(mode, c, creditShare, maxPaths, ackHoldNanos, retryThreshold, maxConnections,
                    endpointSecret, maxRequestBody, maxConnectionsPerClient);
        }

        public Settings withAckHoldNanos(long nanos) {
            return new Settings(mode, connectionConfig, creditShare, maxPaths, nanos, retryThreshold, maxConnections,
                    endpointSecret, maxRequestBody, maxConnectionsPerClient);
        }

        /** Retry new clients while {@code handshakes} are in progress (0: always; {@link QuicServerEndpoint.Settings#NEVER_RETRY}). */
        public Settings withRetryThreshold(int handshakes) {
            return new Settings(mode, connectionConfig, creditShare, maxPaths, ackHoldNanos, handshakes,
                    maxConnections, endpointSecret, maxRequestBody, maxConnectionsPerClient);
        }

        public Settings withMaxConnections(int max) {
            return new Settings(mode, connectionConfig, creditShare, maxPaths, ackHoldNanos, retryThreshold, max,
                    endpointSecret, maxRequestBody, maxConnectionsPerClient);
        }

        /**
         * The VIP's stateless-reset and address-token keys come from {@code secret} (at least 32
         * bytes; null: random per process): shared by every LB of the VIP and kept across restarts,
         * a restarted LB's stateless resets end its predecessor's connections at once.
         */
        public Settings withEndpointSecret(byte[] secret) {
            return new Settings(mode, connectionConfig, creditShare, maxPaths, ackHoldNanos, retryThreshold,
                    maxConnections, secret == null ? null : secret.clone(), maxRequestBody, maxConnectionsPerClient);
        }

        /** Request bodies above {@code bytes} (at most {@link #MAX_REQUEST_BODY_LIMIT}) are refused. */
        public Settings withMaxRequestBody(int bytes) {
            if (bytes < 0 || bytes > MAX_REQUEST_BODY_LIMIT) {
                throw new IllegalArgumentException("max request body must be 0.." + MAX_REQUEST_BODY_LIMIT + ": " + bytes);
            }
            return new Settings(mode, connectionConfig, creditShare, maxPaths, ackHoldNanos, retryThreshold,
                    maxConnections, endpointSecret, bytes, maxConnectionsPerClient);
        }

        /** At most {@code max} connections per client (0: no limit; {@link QuicServerEndpoint.Settings#maxConnectionsPerClient}). */
        public Settings withMaxConnectionsPerClient(int max) {
            return new Settings(mode, connectionConfig, creditShare, maxPaths, ackHoldNanos, retryThreshold,
                    maxConnections, endpointSecret, maxRequestBody, max);
        }

        @Override
        public String toString() { // never the secret
            return "Settings[mode=" + mode + ", maxPaths=" + maxPaths + ", retryThreshold=" + retryThreshold
                    + ", maxConnections=" + maxConnections + ", maxConnectionsPerClient=" + maxConnectionsPerClient
                    + ", endpointSecret=" + (endpointSecret == null ? "random" : "set") + "]";
        }
    }

    private static final System.Logger LOG = System.getLogger(LoadBalancerCore.class.getName());

    private final Settings settings;
    private Router router;
    private InetSocketAddress serviceAddress;
    private final List<Backend> backends = new ArrayList<>();
    private final Map<Long, LbConnection> connections = new HashMap<>();
    private boolean draining;
    /**
     * Connections with instructed streams that had activity this turn (every drain of a
     * connection follows its onActivity): their instructions are flushed after the drain.
     */
    private final java.util.Set<LbConnection> instructing = new java.util.LinkedHashSet<>();
    private boolean instructedSinceAsked;
    private final QuicServerEndpoint endpoint;
    private final LbMetrics metrics = new LbMetrics();
    private final OutlierEjection outliers = new OutlierEjection(metrics);
    private final AckCoalescer acks;
    private final AccessBook accessBook = new AccessBook();
    private long nextConnectionKey;
    private long nextHandoffId;

    public LoadBalancerCore(Settings settings, ServerTlsContext tls, Router router, RandomGenerator random) {
        this(settings, tls, router, random, null, null);
    }

    // ---- several LBs for one VIP (QUIC-LB connection IDs, LB-to-LB forwarding) ------------------

    /** Forwards datagrams of connections the peers hold, and takes theirs in; null without peers. */
    private final PeerForwarder peerForwarder;

    /**
     * A core that is one of several LBs of the VIP ({@link Peering}; null: the only one): its
     * connection IDs carry {@link Peering#lbId} (QUIC-LB plaintext), and with peers it forwards
     * the datagrams of their connections, sealed with a key derived from the endpoint secret
     * (required then) and stamped with {@code epochMillis} (wall clock: the peers compare it).
     */
    public LoadBalancerCore(Settings settings, ServerTlsContext tls, Router router, RandomGenerator random,
                            Peering peering, java.util.function.LongSupplier epochMillis) {
        if (peering != null && !peering.peers().isEmpty() && settings.endpointSecret() == null) {
            throw new IllegalArgumentException("forwarding to peer LBs needs the VIP's shared endpoint secret");
        }
        this.settings = settings;
        this.router = router;
        this.acks = new AckCoalescer(settings.ackHoldNanos(), (b, m) -> {
            metrics.acksForwarded++;
            if (!b.send(m)) {
                metrics.controlSendFailures++;
            }
        });
        ConnectionConfig config = settings.connectionConfig().withPaths(settings.maxPaths(), false);
        this.endpoint = new QuicServerEndpoint(QuicServerEndpoint.Settings.of(tls).withConfig(config)
                .withRetryThreshold(settings.retryThreshold()).withMaxConnections(settings.maxConnections())
                .withMaxConnectionsPerClient(settings.maxConnectionsPerClient())
                .withSecret(settings.endpointSecret()), c -> {
            LbConnection lc = new LbConnection(this, nextConnectionKey++);
            connections.put(lc.key, lc);
            metrics.connections++;
            return lc;
        }, random, peering == null ? ConnectionIdGenerator.random(config.connectionIdLength())
                : org.qdsr.quic.endpoint.PlaintextConnectionIds.of(peering.lbId(), config.connectionIdLength()));
        // with peers, or ready for some (a forward socket and the key): a reload may add them
        boolean forwards = peering != null && (!peering.peers().isEmpty()
                || peering.forwardListen() != null && settings.endpointSecret() != null);
        this.peerForwarder = forwards
                ? new PeerForwarder(peering, settings.endpointSecret(), epochMillis, endpoint, metrics) : null;
        endpoint.setForeignHandler(peerForwarder);
    }

    /**
     * The endpoint of the socket on which peers' forwarded datagrams arrive and from which this LB
     * forwards to them; null without peers. Drive it on the core's thread.
     */
    public DatagramEndpoint peerEndpoint() {
        return peerForwarder;
    }

    /**
     * Replaces the VIP's other LBs (a reload, {@link PeerForwarder#setPeers}); only an LB started
     * with peers, or with a forward socket and the VIP secret, has what this needs.
     *
     * @throws IllegalStateException when this LB was started without either
     */
    public void setPeers(java.util.Map<Integer, java.net.InetSocketAddress> peers) {
        if (peerForwarder == null) {
            throw new IllegalStateException("this LB was started without peers or forward-listen: adding peers"
                    + " needs a restart");
        }
        peerForwarder.setPeers(peers);
    }

    /** Adds a backend (down until {@link #backendUp}); returns it. */
    public Backend addBackend(String name, int weight) {
        Backend b = new Backend(backends.size(), name, weight);
        backends.add(b);
        return b;
    }

    public List<Backend> backends() {
        return backends;
    }

    /** The address the VIP socket is bound to (the runtime sets it; a wildcard IP compares ports only). */
    public void setServiceAddress(InetSocketAddress address) {
        serviceAddress = address;
    }

    /**
     * A backend said where it sends responses from: clients drop packets from any address but
     * the one they sent to, so a backend that sends from elsewhere is flagged and logged loudly.
     */
    private void checkSendAddress(Backend b, InetSocketAddress from) {
        boolean mismatch = serviceAddress != null && (from.getPort() != serviceAddress.getPort()
                || !serviceAddress.getAddress().isAnyLocalAddress() && !serviceAddress.getAddress().equals(from.getAddress()));
        b.sendsFrom(from, mismatch);
        if (mismatch) {
            LOG.log(System.Logger.Level.ERROR, "backend {0} sends responses from {1}, but this LB serves {2}: clients"
                    + " drop those packets (check the real server''s --vip)", b.name(), from, serviceAddress);
        }
    }

    /**
     * A reload: rules and policies for the requests that arrive from now on (requests already
     * handed off stay where they are).
     */
    public void setRouter(Router r) {
        router = java.util.Objects.requireNonNull(r, "router");
    }

    /** A reload changed a backend's weight (the weighted policies read it at their next pick). */
    public void setBackendWeight(int backendId, int weight) {
        backends.get(backendId).setWeight(weight);
    }

    /**
     * A reload removed a backend from the configuration: no new request goes to it; the streams
     * it serves go on. Its id stays taken (a backend of the same name added later gets a new one).
     */
    public void retireBackend(int backendId) {
        backends.get(backendId).retire();
        outliers.forget(backends.get(backendId));
    }

    public void backendUp(int backendId, Backend.Link link) {
        backends.get(backendId).up(link);
    }

    /** The backend's control channel went down: its streams fail cleanly, new requests avoid it. */
    public void backendDown(int backendId, long now) {
        Backend b = backends.get(backendId);
        b.down();
        acks.forgetBackend(b);
        for (LbConnection c : new ArrayList<>(connections.values())) {
            c.onBackendDown(b);
        }
        accessBook.backendDown(b, now);
        endpoint.poke(now);
    }

    /** A message from a backend; malformed or unknown references are counted and dropped. */
    public void onBackendMessage(int backendId, ControlMessage m, long now) {
        Backend b = backends.get(backendId);
        metrics.backendMessages++;
        outliers.onMessage(b, m, backends, now);
        if (m instanceof CreditRequest) {
            metrics.creditRequests++;
        }
        long key = connectionKey(m);
        if (key >= 0) {
            LbConnection c = connections.get(key);
            if (c != null) {
                c.onBackendMessage(b, m, now);
                if (c.connection() != null) {
                    endpoint.activate(c.connection(), now); // it may have something to send now
                }
            } else if (m instanceof StreamReport r) {
                // The client closed before the backend's last report (it closes after its last
                // byte, before its final ACK reaches the backend): the stream no longer counts as
                // outstanding, but what the backend sent still does.
                b.onLateReport(r.bytesSent());
                accessBook.lateReport(b, r, now);
            }
        } else if (m instanceof ControlError e) {
            metrics.backendErrors++;
            LOG.log(System.Logger.Level.WARNING, "backend {0} reported an error: {1}", b.name(), e);
        } else if (m instanceof Draining d) {
            b.startDraining();
            LOG.log(System.Logger.Level.INFO, "backend {0} draining: no new requests; its {1} streams finish"
                    + " (it closes within {2} ms)", b.name(), b.outstanding(), d.drainMillis());
        } else if (m instanceof SendAddress a) {
            checkSendAddress(b, a.address());
        } else if (m instanceof LoadReport) {
            // Load is already reflected in outstanding streams; reports feed metrics only.
        }
    }

    private static long connectionKey(ControlMessage m) {
        if (m instanceof StreamReport r) {
            return r.connectionKey();
        } else if (m instanceof CreditRequest r) {
            return r.connectionKey();
        } else if (m instanceof ProxyData d) {
            return d.connectionKey();
        } else if (m instanceof ProxyHead h) {
            return h.connectionKey();
        } else if (m instanceof AckForward a) {
            return a.connectionKey();
        } else if (m instanceof org.qdsr.control.message.StreamReady r) {
            return r.connectionKey();
        } else if (m instanceof org.qdsr.control.message.SendReport r) {
            return r.connectionKey();
        } else if (m instanceof org.qdsr.control.message.KeyUpdateRequest r) {
            return r.connectionKey();
        }
        return -1;
    }

    // ---- access log --------------------------------------------------------------------------

    /**
     * Logs one entry per request stream of the connections accepted from now on, once its outcome
     * is known ({@link LbAccessLog}); null or {@link LbAccessLog#NONE} stops it (nothing is tracked then).
     */
    public void setAccessLog(LbAccessLog log) {
        accessBook.setSink(log);
    }

    /**
     * Writes the entries that still wait for a report of a real server (their connection closed
     * first) as {@code closed}: call when the LB stops, after the last reports could arrive.
     */
    public void flushAccessLog() {
        accessBook.flush();
    }

    /** Access log entries of closed connections still waiting for a real server's report. */
    public int accessLogWaiting() {
        return accessBook.waiting();
    }

    AccessBook accessBook() {
        return accessBook;
    }

    void forget(LbConnection c) {
        connections.remove(c.key);
        instructing.remove(c);
    }

    /**
     * Whether this LB instructed a real server's sending since the last call: it runs that
     * sender's congestion control, so it is on the data path like a proxy (the I/O shell then
     * keeps its loop from coalescing receives). Clears the flag.
     */
    public boolean takeInstructedActivity() {
        boolean was = instructedSinceAsked;
        instructedSinceAsked = false;
        return was;
    }

    void instructing(LbConnection c) {
        instructing.add(c);
    }

    AckCoalescer acks() {
        return acks;
    }

    Router router() {
        return router;
    }

    Settings settings() {
        return settings;
    }

    LbMetrics metrics() {
        return metrics;
    }

    public LbMetrics stats() {
        return metrics;
    }

    /** The VIP's QUIC endpoint, for its admission counters (on the loop thread). */
    QuicServerEndpoint endpoint() {
        return endpoint;
    }

    long nextHandoffId() {
        return nextHandoffId++;
    }

    /** The client connections open now (tests). */
    List<org.qdsr.quic.connection.QuicConnection> clientConnections() {
        List<org.qdsr.quic.connection.QuicConnection> out = new ArrayList<>();
        for (LbConnection c : connections.values()) {
            if (c.connection() != null) {
                out.add(c.connection());
            }
        }
        return out;
    }

    public int connectionCount() {
        return endpoint.connectionCount();
    }

    /**
     * Graceful shutdown (RFC 9114 §5.2): accepts no new connections (refused: CONNECTION_REFUSED),
     * sends GOAWAY on every connection and closes each with H3_NO_ERROR once the requests it
     * already received have been answered (the real servers finish their handed-off streams).
     * {@link #drained} says when no connection is left. Call on the loop thread.
     */
    public void shutdown(long now) {
        stopAccepting();
        for (LbConnection c : new ArrayList<>(connections.values())) {
            c.shutdown();
        }
        endpoint.poke(now);
    }

    /**
     * Closes every open connection now with H3_NO_ERROR (RFC 9114 §5.2: the end of a graceful
     * shutdown whose time ran out, or a plain stop): the clients learn at once instead of at their
     * idle timeout. Call on the loop thread; the CONNECTION_CLOSEs leave in this turn's drain.
     */
    public void closeAll(long now) {
        stopAccepting();
        for (LbConnection c : new ArrayList<>(connections.values())) {
            if (c.connection() != null) {
                c.connection().close(Http3Error.H3_NO_ERROR.code(), "load balancer shutting down", now);
            }
        }
        endpoint.poke(now);
    }

    private void stopAccepting() {
        draining = true;
        endpoint.stopAccepting();
    }

    /** True once {@link #shutdown} was called and every connection has closed. */
    public boolean drained() {
        return draining && connections.isEmpty();
    }

    /** Connections still open (not closing); during a shutdown, those still serving requests. */
    public int openConnections() {
        return connections.size();
    }

    /** Lets connections act after control traffic (call on the loop thread, then let the loop drain). */
    public void poke(long now) {
        endpoint.poke(now);
    }

    // ---- DatagramEndpoint: the VIP socket --------------------------------------------------

    @Override
    public void onDatagram(byte[] data, int off, int len, InetSocketAddress from, long now) {
        endpoint.onDatagram(data, off, len, from, now);
    }

    @Override
    public void drainTransmit(long now, DatagramSink sink) {
        acks.flushDue(now); // with no hold: the ACKs of this turn's datagrams, merged per path
        endpoint.drainTransmit(now, sink);
        if (instructing.isEmpty()) {
            return;
        }
        instructedSinceAsked = true;
        List<LbConnection> flush = new ArrayList<>(instructing);
        instructing.clear();
        for (LbConnection c : flush) {
            if (c.flushInstructions(now) && c.connection() != null) {
                endpoint.activate(c.connection(), now); // comes back into the set through onActivity
            }
        }
    }

    @Override
    public long nextDeadline() {
        return Math.min(Math.min(endpoint.nextDeadline(), acks.nextDeadline()), outliers.nextDeadline());
    }

    @Override
    public void onDeadline(long now) {
        if (endpoint.nextDeadline() <= now) {
            endpoint.onDeadline(now);
        }
        acks.flushDue(now);
        if (outliers.nextDeadline() <= now) {
            outliers.onDeadline(now);
        }
    }
}
