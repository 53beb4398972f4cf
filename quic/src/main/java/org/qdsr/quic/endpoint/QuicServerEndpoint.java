package org.qdsr.quic.endpoint;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.random.RandomGenerator;

import org.qdsr.quic.DatagramEndpoint;
import org.qdsr.quic.DatagramSink;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.connection.ConnectionIdListener;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.connection.ServerOptions;
import org.qdsr.quic.crypto.Hkdf;
import org.qdsr.quic.crypto.RetryIntegrity;
import org.qdsr.quic.crypto.StatelessResetTokens;
import org.qdsr.quic.tls.ServerTlsContext;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.quic.wire.ConnectionIdGenerator;
import org.qdsr.quic.wire.PacketHeaders;
import org.qdsr.quic.wire.PacketType;
import org.qdsr.quic.wire.ParsedHeader;

/**
 * A QUIC server endpoint, sans-I/O: routes datagrams to connections by destination connection
 * ID, accepts new connections from Initial packets, and answers what belongs to no connection
 * with Version Negotiation (RFC 9000 §6), Retry (§8.1.2, when configured) or a stateless reset
 * (§10.3). Bad input is dropped; an exception from one connection's application never reaches
 * another connection.
 */
public final class QuicServerEndpoint implements DatagramEndpoint {
    private static final System.Logger LOG = System.getLogger(QuicServerEndpoint.class.getName());
    /** RFC 9000 §10.3: the shortest stateless reset, 5 unpredictable bytes (38 bits) and the 16-byte token. */
    static final int MIN_STATELESS_RESET = 21;
    /** The largest stateless reset sent (it is always shorter than its trigger, §10.3). */
    static final int MAX_STATELESS_RESET = 64;
    private static final byte[] SECRET_SALT = "qdsr endpoint secret v1".getBytes(StandardCharsets.US_ASCII);

    /**
     * Endpoint settings.
     *
     * @param retryThreshold  admission control (RFC 9000 §8.1.2): a client's first Initial without
     *                        a valid token gets a Retry while this many handshakes are in progress
     *                        (0: always; {@link #NEVER_RETRY}: never), so that a flood of spoofed
     *                        Initials costs the server no state once it is busy
     * @param maxConnections  live connections at most; the first Initial of a new one beyond it is
     *                        dropped (counted in {@link #connectionsOverLimit})
     * @param secret          at least 32 secret bytes the stateless-reset key (RFC 9000 §10.3.2) and
     *                        the address-token key (§8.1.3) are derived from, so that they survive a
     *                        restart and are the same on every server of the address; null: random
     *                        keys of this endpoint alone
     * @param maxConnectionsPerClient connections one client holds at most (an IPv4 address or an IPv6
     *                        /64, {@link ClientCounts}); 0: no limit. Only connections whose address
     *                        is proven count (a token, or the handshake done), so that forged Initials
     *                        cannot take a client's places; a client at its limit gets a Retry, and
     *                        once its address is proven, CONNECTION_REFUSED (RFC 9000 §21.6)
     */
    public record Settings(ConnectionConfig config, ServerTlsContext tls, int retryThreshold, int maxConnections,
                           byte[] secret, int maxConnectionsPerClient) {
        /** A {@link #retryThreshold} that never sends a Retry. */
        public static final int NEVER_RETRY = Integer.MAX_VALUE;
        /** Bytes an endpoint secret has at least. */
        public static final int MIN_SECRET_LENGTH = 32;

        public Settings {
            if (retryThreshold < 0 || maxConnections < 1 || maxConnectionsPerClient < 0) {
                throw new IllegalArgumentException("retryThreshold >= 0, maxConnections >= 1 and"
                        + " maxConnectionsPerClient >= 0 required, got " + retryThreshold + ", " + maxConnections
                        + ", " + maxConnectionsPerClient);
            }
            if (secret != null && secret.length < MIN_SECRET_LENGTH) {
                throw new IllegalArgumentException("endpoint secret must have at least " + MIN_SECRET_LENGTH
                        + " bytes, got " + secret.length);
            }
        }

        public static Settings of(ServerTlsContext tls) {
            return new Settings(ConnectionConfig.defaults(), tls, NEVER_RETRY, 10_000, null, 0);
        }

        public Settings withConfig(ConnectionConfig c) {
            return new Settings(c, tls, retryThreshold, maxConnections, secret, maxConnectionsPerClient);
        }

        /** Retry every new client ({@code true}) or none. */
        public Settings withRetry(boolean retry) {
            return withRetryThreshold(retry ? 0 : NEVER_RETRY);
        }

        public Settings withRetryThreshold(int handshakesInProgress) {
            return new Settings(config, tls, handshakesInProgress, maxConnections, secret, maxConnectionsPerClient);
        }

        public Settings withMaxConnections(int max) {
            return new Settings(config, tls, retryThreshold, max, secret, maxConnectionsPerClient);
        }

        /** At most {@code max} connections per client (0: no limit); see {@link #maxConnectionsPerClient}. */
        public Settings withMaxConnectionsPerClient(int max) {
            return new Settings(config, tls, retryThreshold, maxConnections, secret, max);
        }

        /** Keys derived from {@code s} (see {@link #secret}); null for random ones. */
        public Settings withSecret(byte[] s) {
            return new Settings(config, tls, retryThreshold, maxConnections, s == null ? null : s.clone(),
                    maxConnectionsPerClient);
        }

        @Override
        public String toString() { // never the secret
            return "Settings[retryThreshold=" + retryThreshold + ", maxConnections=" + maxConnections
                    + ", maxConnectionsPerClient=" + maxConnectionsPerClient + ", secret="
                    + (secret == null ? "random" : "set") + "]";
        }
    }

    private final class Entry implements ConnectionIdListener {
        QuicConnection connection;
        ConnectionHandler handler;
        final List<ConnectionId> ids = new ArrayList<>();
        /** In the active queue: something happened since it last drained. */
        boolean active;
        /** The deadline the timer heap holds for it, or {@link Long#MAX_VALUE}. */
        long timerAt = Long.MAX_VALUE;
        /** Counted in {@link #handshakesInProgress}: accepted, neither established nor closing yet. */
        boolean handshaking;
        /** The client whose place it holds ({@link ClientCounts}); null while its address is unproven. */
        java.net.InetAddress client;

        @Override
        public void onIssued(ConnectionId id) {
            ids.add(id);
            byCid.put(id, this);
        }

        @Override
        public void onRetired(ConnectionId id) {
            ids.remove(id);
            byCid.remove(id);
        }
    }

    private record Outgoing(byte[] data, InetSocketAddress to) {
    }

    private record Timer(long at, Entry entry) {
    }

    private final Settings settings;
    /** Certificate, key and tickets for new connections ({@link #replaceTls}); starts as the settings'. */
    private ServerTlsContext tls;
    private final Function<QuicConnection, ConnectionHandler> handlers;
    private final RandomGenerator random;
    private final ConnectionIdGenerator ids;
    /** The server ID this endpoint's own connection IDs carry (empty for random IDs). */
    private final java.util.OptionalInt ownServerId;
    private ForeignDatagramHandler foreign;
    private long datagramsForeign;
    private final StatelessResetTokens resetTokens;
    private final AddressTokens addressTokens;
    private final Map<ConnectionId, Entry> byCid = new HashMap<>();
    private final Map<Entry, Boolean> entries = new IdentityHashMap<>();
    private final Map<QuicConnection, Entry> byConnection = new IdentityHashMap<>();
    /**
     * Scheduling is incremental so that per-datagram work does not grow with the number of
     * connections: connections touched since they last drained wait in {@code active}; deadlines
     * live in a heap with lazy invalidation ({@link Entry#timerAt} says which heap entry is current).
     */
    private final ArrayDeque<Entry> active = new ArrayDeque<>();
    private final java.util.PriorityQueue<Timer> timers = new java.util.PriorityQueue<>(
            (a, b) -> Long.compare(a.at, b.at));
    private long lastNow;
    private final ArrayDeque<Outgoing> outgoing = new ArrayDeque<>();
    private final byte[] sendBuffer = new byte[65536];
    private long statelessResetsSent;
    private long connectionsAccepted;
    private long datagramsDropped;
    private long connectionsRefused;
    private long connectionsOverLimit;
    private long connectionsOverClientLimit;
    private final ClientCounts clients;
    private long retriesSent;
    private int handshakesInProgress;
    private boolean accepting = true;
    /** The handler of a refused connection: it only closes, so its events go unread. */
    private static final ConnectionHandler REFUSED = (c, now) -> {
        while (c.pollEvent() != null) {
            // nothing to do
        }
    };

    public QuicServerEndpoint(Settings settings, Function<QuicConnection, ConnectionHandler> handlers,
                              RandomGenerator random) {
        this(settings, handlers, random, ConnectionIdGenerator.random(settings.config().connectionIdLength()));
    }

    /**
     * An endpoint whose connection IDs (handshake, Retry, NEW_CONNECTION_ID) come from {@code ids},
     * e.g. QUIC-LB IDs naming this server ({@link PlaintextConnectionIds}); its length must be the
     * configuration's {@code connectionIdLength}.
     */
    public QuicServerEndpoint(Settings settings, Function<QuicConnection, ConnectionHandler> handlers,
                              RandomGenerator random, ConnectionIdGenerator ids) {
        if (ids.length() != settings.config().connectionIdLength()) {
            throw new IllegalArgumentException("connection ID generator makes " + ids.length()
                    + "-octet IDs, the configuration says " + settings.config().connectionIdLength());
        }
        this.settings = settings;
        this.tls = settings.tls();
        this.clients = new ClientCounts(settings.maxConnectionsPerClient());
        this.handlers = handlers;
        this.random = random;
        this.ids = ids;
        this.ownServerId = ids.ownServerId();
        this.resetTokens = new StatelessResetTokens(key(settings.secret(), "stateless reset", random));
        this.addressTokens = new AddressTokens(key(settings.secret(), "address token", random), random);
    }

    /** A 32-byte key: HKDF (RFC 5869) of {@code secret} for {@code purpose}, or random without a secret. */
    private static byte[] key(byte[] secret, String purpose, RandomGenerator random) {
        if (secret == null) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            return key;
        }
        return deriveKey(secret, purpose);
    }

    /**
     * A 32-byte key for {@code purpose} from the VIP's shared secret: HKDF-SHA256 (RFC 5869) with
     * this project's salt and {@code "qdsr " + purpose} as info. Every LB of the VIP derives the
     * same keys (stateless resets, address tokens, the envelopes LBs pass to each other).
     */
    public static byte[] deriveKey(byte[] secret, String purpose) {
        byte[] prk = Hkdf.extract("HmacSHA256", SECRET_SALT, secret);
        return Hkdf.expand("HmacSHA256", prk, ("qdsr " + purpose).getBytes(StandardCharsets.US_ASCII), 32);
    }

    @Override
    public void onDatagram(byte[] data, int off, int len, InetSocketAddress from, long now) {
        receive(data, off, len, from, now, false);
    }

    /**
     * A datagram another load balancer of the VIP passed on (it arrived there from {@code from}):
     * handled exactly like {@link #onDatagram}, except that it is never handed to the
     * {@link ForeignDatagramHandler} again (no forwarding loops): a connection this endpoint does
     * not know gets today's answer (a stateless reset).
     */
    public void onForwardedDatagram(byte[] data, int off, int len, InetSocketAddress from, long now) {
        receive(data, off, len, from, now, true);
    }

    /**
     * Where datagrams go whose destination connection ID is unknown here but names another server
     * ({@link ConnectionIdGenerator#serverId}): short-header packets and long-header packets other
     * than Initials (a new connection's Initial is always accepted here). Null: none (the default).
     */
    public void setForeignHandler(ForeignDatagramHandler handler) {
        this.foreign = handler;
    }

    /**
     * New connections use {@code next} (a renewed certificate, say); those open keep the context
     * they started with. Returns the one replaced: the caller closes it once nothing uses it
     * (handshakes in progress still issue their tickets from it).
     */
    public ServerTlsContext replaceTls(ServerTlsContext next) {
        ServerTlsContext old = tls;
        tls = java.util.Objects.requireNonNull(next, "tls");
        return old;
    }

    /** The server ID in this endpoint's connection IDs, or empty for random IDs. */
    public java.util.OptionalInt serverId() {
        return ownServerId;
    }

    /** Datagrams the {@link ForeignDatagramHandler} took. */
    public long datagramsForeign() {
        return datagramsForeign;
    }

    /** True when {@link #foreign} took the datagram: its DCID names another server and that server is known. */
    private boolean handOver(ConnectionId dcid, byte[] data, int off, int len, InetSocketAddress from, long now) {
        if (foreign == null || ownServerId.isEmpty()) {
            return false;
        }
        java.util.OptionalInt id = ids.serverId(dcid.toBytes(), 0, dcid.length());
        if (id.isEmpty() || id.getAsInt() == ownServerId.getAsInt()) {
            return false;
        }
        boolean taken = foreign.forward(id.getAsInt(), data, off, len, from, now);
        if (taken) {
            datagramsForeign++;
        }
        return taken;
    }

    private void receive(byte[] data, int off, int len, InetSocketAddress from, long now, boolean forwarded) {
        int cidLength = settings.config().connectionIdLength();
        ConnectionId dcid = PacketHeaders.peekDestinationConnectionId(data, off, len, cidLength);
        if (dcid == null) {
            datagramsDropped++;
            return;
        }
        lastNow = now;
        Entry e = byCid.get(dcid);
        if (e != null) {
            e.connection.receive(data, off, len, from, now);
            notifyHandler(e, now);
            markActive(e);
            updateHandshaking(e, now);
            return;
        }
        if (!PacketHeaders.isLongHeader(data[off])) {
            if (!forwarded && handOver(dcid, data, off, len, from, now)) {
                return;
            }
            maybeStatelessReset(dcid, len, from);
            return;
        }
        long version = PacketHeaders.version(data, off, len);
        if (version != PacketHeaders.VERSION_1) {
            maybeVersionNegotiation(data, off, len, from);
            return;
        }
        boolean initial = PacketHeaders.longPacketType(data[off]) == PacketType.INITIAL;
        if (!initial && !forwarded && handOver(dcid, data, off, len, from, now)) {
            return;
        }
        ParsedHeader h = PacketHeaders.parse(data, off, len, cidLength);
        if (h == null || h.type() != PacketType.INITIAL || len < 1200 || h.dcid().length() < 8) {
            datagramsDropped++;
            return;
        }
        accept(h, data, off, len, from, now);
    }

    private void accept(ParsedHeader h, byte[] data, int off, int len, InetSocketAddress from, long now) {
        if (entries.size() >= settings.maxConnections()) {
            connectionsOverLimit++;
            return;
        }
        ConnectionId odcid = h.dcid();
        ConnectionId retryScid = null;
        boolean validated = false;
        if (h.token().length > 0) {
            AddressTokens.Validated v = addressTokens.validate(h.token(), from, now);
            if (v != null) {
                odcid = v.originalDestinationId();
                retryScid = v.retrySourceId();
                validated = true;
            }
        }
        boolean overClientLimit = clients.atLimit(from.getAddress());
        if (!validated && (overClientLimit || handshakesInProgress >= settings.retryThreshold())) {
            sendRetry(h, from, now); // a client at its limit proves its address first: forged sources take no place
            return;
        }
        Entry e = new Entry();
        ConnectionId localId = ids.next(random);
        ServerOptions options = new ServerOptions(settings.config(), tls, from, random, resetTokens, e,
                h.dcid(), odcid, retryScid, localId, validated, null, ids);
        try {
            e.connection = QuicConnection.accept(options, now);
        } catch (QuicException ex) {
            LOG.log(System.Logger.Level.WARNING, "cannot accept connection: " + ex.getMessage());
            return;
        }
        e.handler = accepting && !overClientLimit ? handlers.apply(e.connection) : REFUSED;
        entries.put(e, Boolean.TRUE);
        byConnection.put(e.connection, e);
        e.onIssued(localId);
        e.onIssued(h.dcid());
        e.connection.receive(data, off, len, from, now);
        if (!e.connection.hasAuthenticatedPacket()) {
            forget(e); // an Initial that does not decrypt leaves no state behind (RFC 9000 §10.3, §21.1)
            datagramsDropped++;
            return;
        }
        if (!accepting) {
            e.connection.refuse(now); // RFC 9000 §10.2.3: CONNECTION_CLOSE at the Initial level
            connectionsRefused++;
        } else if (overClientLimit) {
            refuseOverClientLimit(e, now);
        } else {
            connectionsAccepted++;
            e.handshaking = true;
            handshakesInProgress++;
            if (validated) {
                e.client = clients.add(from.getAddress());
            }
        }
        notifyHandler(e, now);
        markActive(e);
        updateHandshaking(e, now);
    }

    /** Takes {@code e} out of the handshakes in progress once it is established or closing. */
    private void updateHandshaking(Entry e, long now) {
        if (e.handshaking && e.connection.state() != QuicConnection.State.HANDSHAKE) {
            e.handshaking = false;
            handshakesInProgress--;
            if (e.client == null && e.connection.isEstablished()) {
                takeClientPlace(e, now);
            }
        }
    }

    /**
     * A connection whose handshake proved its client's address (RFC 9000 §8.1) takes one of that
     * client's places, or, with none left, is closed with CONNECTION_REFUSED.
     */
    private void takeClientPlace(Entry e, long now) {
        if (!clients.enabled()) {
            return;
        }
        java.net.InetAddress a = e.connection.peerAddress().getAddress();
        if (clients.atLimit(a)) {
            refuseOverClientLimit(e, now);
            notifyHandler(e, now);
            markActive(e);
        } else {
            e.client = clients.add(a);
        }
    }

    /** CONNECTION_REFUSED (RFC 9000 §20.1): its client holds its {@link Settings#maxConnectionsPerClient}. */
    private void refuseOverClientLimit(Entry e, long now) {
        connectionsOverClientLimit++;
        e.connection.refuse("too many connections from this client", now);
    }

    private void sendRetry(ParsedHeader h, InetSocketAddress from, long now) {
        ConnectionId retryScid = ids.next(random);
        byte[] token = addressTokens.retryToken(from, h.dcid(), retryScid, now);
        byte[] withoutTag = PacketHeaders.retryWithoutTag(PacketHeaders.VERSION_1, h.scid(), retryScid, token);
        byte[] tag = RetryIntegrity.tag(PacketHeaders.retryPseudoPacket(h.dcid(), withoutTag));
        byte[] packet = new byte[withoutTag.length + tag.length];
        System.arraycopy(withoutTag, 0, packet, 0, withoutTag.length);
        System.arraycopy(tag, 0, packet, withoutTag.length, tag.length);
        outgoing.add(new Outgoing(packet, from));
        retriesSent++;
    }

    private void maybeVersionNegotiation(byte[] data, int off, int len, InetSocketAddress from) {
        PacketHeaders.LongHeaderIds ids = PacketHeaders.peekLongHeaderIds(data, off, len);
        if (ids == null || len < 1200 || ids.version() == 0) {
            datagramsDropped++;
            return;
        }
        byte[] vn = PacketHeaders.versionNegotiation(ids.scid(), ids.dcid(), new long[] {PacketHeaders.VERSION_1},
                random);
        outgoing.add(new Outgoing(vn, from));
    }

    /**
     * RFC 9000 §10.3: one byte shorter than the trigger (at most {@value #MAX_STATELESS_RESET}),
     * unpredictable, ending in the token for that CID. Every datagram that can be a protected
     * short-header packet gets one, down to the 37-byte ACK-only packets that are all a client
     * sends during a download: those must learn that the connection is gone, not wait for their
     * idle timeout. Shorter datagrams cannot be packets of ours (RFC 9001 §5.4.2: 4 bytes from
     * the packet number plus a 16-byte sample), nor could a reset shorter than them be valid.
     */
    private void maybeStatelessReset(ConnectionId dcid, int len, InetSocketAddress from) {
        if (len < minStatelessResetTrigger(dcid.length()) || dcid.length() != settings.config().connectionIdLength()) {
            datagramsDropped++;
            return;
        }
        int size = Math.min(len - 1, MAX_STATELESS_RESET);
        byte[] reset = new byte[size];
        random.nextBytes(reset);
        reset[0] = (byte) (0x40 | (reset[0] & 0x3f));
        byte[] token = resetTokens.tokenFor(dcid);
        System.arraycopy(token, 0, reset, size - 16, 16);
        outgoing.add(new Outgoing(reset, from));
        statelessResetsSent++;
    }

    /** The shortest datagram answered with a stateless reset, for connection IDs of {@code cidLength}. */
    static int minStatelessResetTrigger(int cidLength) {
        return Math.max(MIN_STATELESS_RESET + 1, 1 + cidLength + 4 + 16);
    }

    private void notifyHandler(Entry e, long now) {
        try {
            e.handler.onActivity(e.connection, now);
        } catch (RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "application failed on a connection; closing it", ex);
            e.connection.close(0x102, "internal error", now);
        }
    }

    private void markActive(Entry e) {
        if (!e.active) {
            e.active = true;
            active.add(e);
        }
    }

    @Override
    public void drainTransmit(long now, DatagramSink sink) {
        lastNow = now;
        while (!outgoing.isEmpty()) {
            Outgoing o = outgoing.poll();
            if (!sink.send(o.data, 0, o.data.length, o.to)) {
                return;
            }
        }
        for (int n = active.size(); n > 0 && !active.isEmpty(); n--) {
            Entry e = active.poll();
            e.active = false;
            if (!entries.containsKey(e)) {
                continue;
            }
            boolean drained = e.connection.drainTo(sendBuffer, sink, now);
            reschedule(e);
            reapIfClosed(e);
            if (!drained) { // the sink is full: this one goes again first next time
                e.active = true;
                active.addFirst(e);
                return;
            }
        }
    }

    /** Puts the connection's current deadline into the heap (the old heap entry goes stale). */
    private void reschedule(Entry e) {
        long t = e.connection.nextTimeout();
        if (t != e.timerAt) {
            e.timerAt = t;
            if (t != Long.MAX_VALUE) {
                timers.add(new Timer(t, e));
            }
        }
    }

    @Override
    public long nextDeadline() {
        Timer top;
        while ((top = timers.peek()) != null && (top.entry.timerAt != top.at || !entries.containsKey(top.entry))) {
            timers.poll();
        }
        if (timers.size() > 2 * entries.size() + 64) {
            timers.clear();
            for (Entry e : entries.keySet()) {
                if (e.timerAt != Long.MAX_VALUE) {
                    timers.add(new Timer(e.timerAt, e));
                }
            }
            top = timers.peek();
        }
        long t = top == null ? Long.MAX_VALUE : top.at;
        return active.isEmpty() ? t : Math.min(t, lastNow);
    }

    @Override
    public void onDeadline(long now) {
        lastNow = now;
        Timer t;
        while ((t = timers.peek()) != null && t.at - now <= 0) {
            timers.poll();
            Entry e = t.entry;
            if (e.timerAt != t.at || !entries.containsKey(e)) {
                continue;
            }
            e.timerAt = Long.MAX_VALUE;
            if (!e.connection.isClosed()) {
                e.connection.onTimeout(now);
                notifyHandler(e, now);
            }
            markActive(e);
            updateHandshaking(e, now);
        }
    }

    /** Forgets a closed connection and its connection IDs; later packets for them get stateless resets. */
    private void reapIfClosed(Entry e) {
        if (e.connection.isClosed()) {
            forget(e);
        }
    }

    private void forget(Entry e) {
        if (e.handshaking) {
            e.handshaking = false;
            handshakesInProgress--;
        }
        if (e.client != null) {
            clients.remove(e.client);
            e.client = null;
        }
        entries.remove(e);
        byConnection.remove(e.connection);
        for (ConnectionId id : e.ids) {
            byCid.remove(id);
        }
    }

    /** Lets every application act outside network activity (e.g. after {@code resume}); call on the endpoint's thread. */
    public void poke(long now) {
        lastNow = now;
        for (Entry e : List.copyOf(entries.keySet())) {
            notifyHandler(e, now);
            markActive(e);
        }
    }

    /**
     * Lets one connection's application act, and sends what it has, after something outside the
     * network changed its state (a call on the connection from elsewhere, e.g. control traffic of
     * a load balancer). Without this, such a connection waits for its next packet or timer.
     */
    public void activate(QuicConnection c, long now) {
        lastNow = now;
        Entry e = byConnection.get(c);
        if (e != null) {
            notifyHandler(e, now);
            markActive(e);
        }
    }

    /** Runs {@code action} for every live connection (on the endpoint's thread). */
    public void forEachConnection(java.util.function.Consumer<QuicConnection> action) {
        for (Entry e : entries.keySet()) {
            action.accept(e.connection);
        }
    }

    /**
     * Stops accepting connections (a server shutting down gracefully): a client's first Initial
     * gets CONNECTION_CLOSE with CONNECTION_REFUSED (RFC 9000 §20.1), so it can try elsewhere at
     * once instead of at its handshake timeout; the live connections go on.
     */
    public void stopAccepting() {
        accepting = false;
    }

    public int connectionCount() {
        return entries.size();
    }

    public long connectionsAccepted() {
        return connectionsAccepted;
    }

    public long statelessResetsSent() {
        return statelessResetsSent;
    }

    /** Connections refused since {@link #stopAccepting}. */
    public long connectionsRefused() {
        return connectionsRefused;
    }

    public long datagramsDropped() {
        return datagramsDropped;
    }

    /** First Initials of new connections dropped because {@link Settings#maxConnections} were live. */
    public long connectionsOverLimit() {
        return connectionsOverLimit;
    }

    /** New connections refused because their client held {@link Settings#maxConnectionsPerClient} already. */
    public long connectionsOverClientLimit() {
        return connectionsOverClientLimit;
    }

    /** Retry packets sent (RFC 9000 §8.1.2). */
    public long retriesSent() {
        return retriesSent;
    }

    /** Accepted connections whose handshake has neither completed nor failed yet. */
    public int handshakesInProgress() {
        return handshakesInProgress;
    }
}
