package org.qdsr.lb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.qdsr.control.message.ConnectionClosed;
import org.qdsr.control.message.ControlMessage;
import org.qdsr.control.message.CreditGrant;
import org.qdsr.control.message.CreditRequest;
import org.qdsr.control.message.Handoff;
import org.qdsr.control.message.Header;
import org.qdsr.control.message.KeyUpdate;
import org.qdsr.control.message.ProxyData;
import org.qdsr.control.message.ProxyHead;
import org.qdsr.control.message.RequestHead;
import org.qdsr.control.message.StreamControl;
import org.qdsr.control.message.StreamReport;
import org.qdsr.http3.Http3Error;
import org.qdsr.http3.Request;
import org.qdsr.http3.RequestPaths;
import org.qdsr.http3.qpack.Field;
import org.qdsr.http3.session.Http3Response;
import org.qdsr.http3.session.Http3ServerSession;
import org.qdsr.http3.session.RequestContext;
import org.qdsr.quic.connection.ConnectionEvent;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.endpoint.ConnectionHandler;
import org.qdsr.quic.path.ConnectionSnapshot;
import org.qdsr.quic.path.WriteKeys;
import org.qdsr.quic.wire.ConnectionId;

/**
 * The load balancer's side of one client connection. HTTP/3 itself (control streams, request
 * parsing) is an {@link Http3ServerSession}; every complete request is routed to a backend and
 * either handed off with a snapshot of the connection on the backend's own path ({@code
 * isolated}: the backend sends straight to the client) or fetched over the control channel and
 * relayed ({@code proxy}). Feedback for handed-off streams (PATH_ACK, MAX_STREAM_DATA,
 * STOP_SENDING, key updates, close) is forwarded to the backend that owns them.
 */
final class LbConnection implements ConnectionHandler {
    private static final System.Logger LOG = System.getLogger(LbConnection.class.getName());
    /** The body of the 503 a proxied request gets when its backend fails before the head. */
    private static final byte[] BACKEND_UNAVAILABLE = "backend unavailable\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final LoadBalancerCore core;
    final long key;
    private final Http3ServerSession session;
    private final Map<Integer, Long> pathOfBackend = new HashMap<>();
    private final Map<Long, Backend> backendOfPath = new HashMap<>();
    private final Map<Long, Handed> handed = new HashMap<>();
    private final java.util.Set<Long> retiredPaths = new java.util.HashSet<>();
    /** The client's address changed with a new connection ID (active migration), not yet validated. */
    private boolean clientMigrated;
    /** Per exported path: the client's PATH_ACKs waiting to be forwarded to its backend. */
    private final Map<Long, HeldAck> heldAcks = new HashMap<>();
    /** Connection credit each backend was given on this connection (snapshots and grants). */
    private final Map<Integer, Long> creditGiven = new HashMap<>();
    /** Isolated streams whose backend asked for more credit than we could give yet. */
    private final java.util.LinkedHashSet<Long> creditWaiters = new java.util.LinkedHashSet<>();
    private final InstructedDelivery instructed;
    /** The access log's view of this connection's request streams (a no-op without a log). */
    private final StreamLog access;
    private QuicConnection conn;
    private long now;
    /** ACK_FREQUENCY frames of this connection already added to the metrics. */
    private long ackFrequencyCounted;
    private boolean closed;

    /** A stream whose response comes from a backend; {@code ctx} is set in proxy mode only. */
    static final class Handed {
        final long streamId;
        final Backend backend;
        final long pathId;
        final RequestContext ctx;
        ProxyBody body;
        /** Isolated: the client's MAX_STREAM_DATA, and the limit given to the backend (≤ credit reserved for it). */
        long clientLimit;
        long givenLimit;
        boolean wantsCredit;
        /** Isolated: the request and the backends tried, for a refusal before the first byte. */
        InstructedDelivery.Retry retry;

        Handed(long streamId, Backend backend, long pathId, RequestContext ctx) {
            this.streamId = streamId;
            this.backend = backend;
            this.pathId = pathId;
            this.ctx = ctx;
        }

        boolean isolated() {
            return ctx == null;
        }
    }

    LbConnection(LoadBalancerCore core, long key) {
        this.core = core;
        this.key = key;
        this.session = new Http3ServerSession(this::dispatch, core.settings().maxRequestBody());
        this.session.setEventTap(this::onEvent);
        this.instructed = new InstructedDelivery(key, this::send, core.metrics());
        this.access = core.accessBook().forConnection(key);
        this.session.setRefusalTap(this::onRefused);
        // a graceful shutdown waits for the responses the backends still deliver
        this.session.setDetachedInFlight(() -> !handed.isEmpty() || instructed.active());
    }

    /** The HTTP/3 layer reset a request stream before dispatching it: only the access log hears of it. */
    private void onRefused(long streamId, int status, long errorCode, String why) {
        if (conn != null) {
            access.refused(streamId, conn.peerAddress(), status, errorCode, why, now);
        }
    }

    /**
     * Graceful shutdown (RFC 9114 §5.2): GOAWAY now, later requests are rejected (the client may
     * retry them elsewhere), and the connection closes with H3_NO_ERROR once the requests already
     * received have been answered, wherever they are served.
     */
    void shutdown() {
        session.shutdown();
    }

    /** Instructed mode: instructions and releases of this loop turn go to the backends; true if more to send. */
    boolean flushInstructions(long now) {
        return conn != null && !closed && instructed.flush(conn, now);
    }

    QuicConnection connection() {
        return conn;
    }

    @Override
    public void onActivity(QuicConnection c, long now) {
        this.conn = c;
        this.now = now;
        countAckFrequency();
        session.onActivity(c, now);
        if (instructed.active()) {
            core.instructing(this); // flush what the coming drain instructs
        }
        grantProxyWindows();
        grantWaitingCredit();
    }

    /** Adds the ACK_FREQUENCY frames the connection sent since the last look to the metrics. */
    private void countAckFrequency() {
        long sent = conn.ackFrequencyFramesSent();
        if (sent != ackFrequencyCounted) {
            core.metrics().ackFrequencyFrames += sent - ackFrequencyCounted;
            ackFrequencyCounted = sent;
        }
    }

    /** Retries the streams that wait for credit (the client may have raised MAX_DATA). */
    private void grantWaitingCredit() {
        for (var it = creditWaiters.iterator(); it.hasNext() && conn.sendCredit() > 0;) {
            Handed h = handed.get(it.next());
            if (h == null || grantStream(h)) {
                it.remove();
            }
        }
    }

    /**
     * Raises a handed-off stream's limit at its backend by up to one credit share, reserving the
     * same amount of the client's connection credit (MAX_DATA): each stream's limit stays within
     * the credit reserved for it, so whatever the backend sends, and any final size the LB may
     * have to declare for it later, fits the client's limits (RFC 9000 §4.1, §4.5). Returns
     * false if no credit was left (the stream waits).
     */
    private boolean grantStream(Handed h) {
        long room = Math.min(core.settings().creditShare(), h.clientLimit - h.givenLimit);
        if (room <= 0) {
            return true; // the client's stream limit stops it: its MAX_STREAM_DATA will call again
        }
        long granted = conn.reserveCredit(room);
        if (granted == 0) {
            return false;
        }
        h.givenLimit += granted;
        h.wantsCredit = false;
        creditGiven.merge(h.backend.id(), granted, Long::sum);
        send(h.backend, new CreditGrant(key, granted));
        send(h.backend, new StreamControl(key, h.streamId, StreamControl.Kind.MAX_STREAM_DATA, h.givenLimit));
        return true;
    }

    private void wantCredit(long streamId) {
        Handed h = handed.get(streamId);
        if (h != null && h.isolated()) {
            h.wantsCredit = true;
            if (grantStream(h)) {
                creditWaiters.remove(streamId);
            } else {
                creditWaiters.add(streamId);
            }
        }
    }

    // ---- requests ---------------------------------------------------------------------------

    private void dispatch(RequestContext ctx) {
        Request req = ctx.request();
        access.request(ctx.streamId(), req, conn.peerAddress(), now);
        // the target the route is chosen on, and the one the real server gets: one spelling only
        String target = req.path() != null && req.path().startsWith("/") ? RequestPaths.canonicalTarget(req.path())
                : req.path();
        if (target == null && req.path() != null) {
            core.metrics().badPaths++; // another spelling could otherwise slip past a prefix rule
            answer(ctx, 400, "bad request path\n", "bad-path");
            return;
        }
        Backend b = core.router().route(req, core.backends());
        if (b == null) {
            core.metrics().noBackend++;
            answer(ctx, 503, "no healthy backend\n", "no-backend");
            return;
        }
        long path = wantsIsolated() ? pathFor(b) : -1;
        RequestHead head = toHead(req, target, ctx.body());
        long id = ctx.streamId();
        var retry = new InstructedDelivery.Retry(req, head, new java.util.HashSet<>());
        if (path < 0 && mayInstruct()) {
            ctx.detach();
            handOffInstructed(b, id, retry);
        } else if (path >= 0) {
            ctx.detach();
            handOffIsolated(b, path, id, retry);
        } else {
            handOffProxied(b, ctx, retry);
        }
        b.onHandoff();
    }

    /** Instructed mode is the one for a request without a path of its own, unless proxying is forced. */
    private boolean mayInstruct() {
        return core.settings().mode() != LoadBalancerCore.Mode.PROXY && conn.isEstablished();
    }

    private void handOffInstructed(Backend b, long id, InstructedDelivery.Retry retry) {
        core.instructing(this);
        instructed.handOff(conn, b, id, retry, core.nextHandoffId(), this::canRetry);
        access.handedOff(id, "instructed", b);
    }

    private void handOffProxied(Backend b, RequestContext ctx, InstructedDelivery.Retry retry) {
        Handed h = new Handed(ctx.streamId(), b, -1, ctx);
        h.retry = retry;
        retry.tried().add(b);
        handed.put(ctx.streamId(), h);
        send(b, new Handoff(core.nextHandoffId(), key, ctx.streamId(), new byte[0], retry.head(), Handoff.Mode.PROXY,
                canRetry(retry)));
        core.metrics().handoffsProxy++;
        access.handedOff(ctx.streamId(), "proxy", b);
    }

    /**
     * The backend the router picks for a refused request among those not tried yet, or null (none
     * left, or {@link InstructedDelivery#MAX_ATTEMPTS} tried): every delivery mode retries this way.
     */
    private Backend nextUntried(InstructedDelivery.Retry retry) {
        if (retry == null || retry.tried().size() >= InstructedDelivery.MAX_ATTEMPTS) {
            return null;
        }
        return core.router().route(retry.request(), untried(retry));
    }

    /**
     * Whether a refusal of the handoff just made ({@code retry} names its backend as tried) could
     * still go elsewhere: {@link Handoff#mayRefuse}, so that the last backend answers an
     * unreachable origin with 502 itself instead of refusing.
     */
    private boolean canRetry(InstructedDelivery.Retry retry) {
        return retry.tried().size() < InstructedDelivery.MAX_ATTEMPTS
                && core.router().canRoute(retry.request(), untried(retry));
    }

    private List<Backend> untried(InstructedDelivery.Retry retry) {
        List<Backend> others = new ArrayList<>();
        for (Backend b : core.backends()) {
            if (!retry.tried().contains(b)) {
                others.add(b);
            }
        }
        return others;
    }

    /**
     * Exports {@code id} on {@code b}'s path and hands it over. {@code retry} keeps the request and
     * the backends tried, so that a refusal before any byte was sent can go to another one.
     */
    private void handOffIsolated(Backend b, long path, long id, InstructedDelivery.Retry retry) {
        ConnectionSnapshot snapshot = conn.exportPath(path, List.of(id), core.settings().creditShare());
        creditGiven.merge(b.id(), snapshot.connectionCredit(), Long::sum);
        heldAcks.computeIfAbsent(path, p -> new HeldAck(b, key, p, snapshot.peerAckDelayExponent()));
        Handed h = new Handed(id, b, path, null);
        h.clientLimit = conn.handedOffStreamLimit(id);
        h.givenLimit = snapshot.streams().get(0).send().maxStreamData();
        h.retry = retry;
        retry.tried().add(b);
        handed.put(id, h);
        send(b, new Handoff(core.nextHandoffId(), key, id, snapshot.encode(), retry.head(), Handoff.Mode.ISOLATED,
                canRetry(retry)));
        core.metrics().handoffsIsolated++;
        access.handedOff(id, "isolated", b);
    }

    /**
     * An isolated handoff was refused before the backend sent a byte (overloaded, content source
     * failed before the head): the stream's credit comes back and another backend not tried yet,
     * with a path on this connection, gets it, at most {@link InstructedDelivery#MAX_ATTEMPTS}
     * backends in all; one without a free path gets it in instructed mode, as a new request
     * would. When none is left the stream is reset with H3_REQUEST_REJECTED (RFC 9114 §8.1:
     * nothing was processed, the client may retry it). True if it went elsewhere.
     */
    private boolean retryIsolated(Handed h, StreamReport r) {
        long id = r.streamId();
        conn.returnCredit(h.givenLimit);
        creditGiven.merge(h.backend.id(), -h.givenLimit, Long::sum);
        creditWaiters.remove(id);
        h.backend.onStreamDone(0);
        Backend next = nextUntried(h.retry);
        long path = next == null ? -1 : pathFor(next);
        if (next == null || path < 0 && !mayInstruct()) {
            conn.resetHandedOffStream(id, Http3Error.H3_REQUEST_REJECTED.code(), 0); // final size 0: nothing sent
            core.metrics().handoffsRejected++;
            return false;
        }
        core.metrics().handoffRetries++;
        if (path >= 0) {
            handOffIsolated(next, path, id, h.retry);
        } else {
            conn.takeBackHandedOffStream(id); // nothing was sent: the LB numbers its packets now
            handOffInstructed(next, id, h.retry);
        }
        next.onHandoff();
        return true;
    }

    /** The LB answers the request itself (the access log says why). */
    private void answer(RequestContext ctx, int status, String text, String reason) {
        byte[] body = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ctx.respond(Http3Response.of(status, "text/plain", body));
        access.answered(ctx.streamId(), status, reason, body.length, now);
    }

    private boolean wantsIsolated() {
        LoadBalancerCore.Mode m = core.settings().mode();
        return (m == LoadBalancerCore.Mode.AUTO || m == LoadBalancerCore.Mode.ISOLATED) && conn.serverPathsEnabled();
    }

    /** One path per backend per connection; -1 when the client issued no more path IDs. */
    private long pathFor(Backend b) {
        Long p = pathOfBackend.get(b.id());
        if (p != null) {
            return p;
        }
        for (long candidate : conn.availablePaths()) {
            if (!backendOfPath.containsKey(candidate) && !retiredPaths.contains(candidate)) {
                pathOfBackend.put(b.id(), candidate);
                backendOfPath.put(candidate, b);
                return candidate;
            }
        }
        return -1;
    }

    private RequestHead toHead(Request r, String target, byte[] body) {
        List<Header> headers = ForwardedHeaders.of(r.headers(), conn.peerAddress(), r.scheme(), r.authority());
        if (!conn.isEstablished()) {
            headers = ForwardedHeaders.markEarly(headers); // it came in 0-RTT
            core.metrics().earlyRequests++;
        }
        return new RequestHead(r.method(), r.scheme(), r.authority(), target, headers, body);
    }

    private void send(Backend b, ControlMessage m) {
        if (!b.send(m)) {
            core.metrics().controlSendFailures++;
        }
    }

    // ---- events from the client's connection ----------------------------------------------

    private void onEvent(QuicConnection c, ConnectionEvent e) {
        conn = c;
        if (e instanceof ConnectionEvent.PathAcknowledged a) {
            HeldAck held = heldAcks.get(a.pathId());
            if (held != null) {
                core.metrics().pathAcksReceived++;
                core.acks().add(held, a.ranges(), a.ackDelay(), now);
            }
        } else if (e instanceof ConnectionEvent.HandedOffStreamCredit m) {
            Handed h = handed.get(m.streamId());
            if (h != null) {
                h.clientLimit = m.limit();
                if (h.wantsCredit) {
                    wantCredit(m.streamId());
                }
            }
        } else if (e instanceof ConnectionEvent.HandedOffStopSending s) {
            forward(s.streamId(), StreamControl.Kind.STOP_SENDING, s.errorCode());
        } else if (e instanceof ConnectionEvent.StopSending s && instructed.owns(s.streamId())) {
            instructed.onStopSending(s.streamId(), s.errorCode());
        } else if (e instanceof ConnectionEvent.StopSending s) {
            Handed h = handed.remove(s.streamId());
            if (h != null) {
                send(h.backend, new StreamControl(key, s.streamId(), StreamControl.Kind.STOP_SENDING, s.errorCode()));
                h.backend.onStreamDone(0);
                access.proxyEnded(s.streamId(), "reset", now);
            }
        } else if (e instanceof ConnectionEvent.StreamAcknowledged a && instructed.owns(a.streamId())) {
            instructed.onAcknowledged(a.streamId());
            access.acknowledged(a.streamId(), instructed, now);
        } else if (e instanceof ConnectionEvent.StreamAcknowledged a) {
            Handed h = handed.get(a.streamId());
            if (h != null && !h.isolated()) {
                handed.remove(a.streamId());
                h.backend.onStreamDone(h.body == null ? 0 : h.body.forwarded());
                access.proxyEnded(a.streamId(), "finished", now);
            }
        } else if (e instanceof ConnectionEvent.WriteKeysUpdated) {
            WriteKeys k = c.writeKeys();
            for (Backend b : backendOfPath.values()) {
                send(b, new KeyUpdate(key, k.secret(), k.keyPhase(), k.generation()));
            }
        } else if (e instanceof ConnectionEvent.PeerAddressChanged ch) {
            if (ch.newConnectionId()) {
                core.metrics().clientConnectionIdRotations++;
                clientMigrated = true; // the paths follow with fresh IDs once the address is validated
            }
        } else if (e instanceof ConnectionEvent.PeerAddressValidated v) {
            onPeerAddressValidated(v);
        } else if (e instanceof ConnectionEvent.PeerAddressAbandoned a) {
            clientMigrated = false;
            core.metrics().peerAddressAbandoned++; // the backends never left the validated address
            LOG.log(System.Logger.Level.INFO, "connection {0}: client address {1} never answered its PATH_CHALLENGE,"
                    + " back to {2}", Long.toHexString(key), a.abandoned(), a.revertedTo());
        } else if (e instanceof ConnectionEvent.Closed cl) {
            access.closing(cl.reason());
            onClosed(cl.reason().errorCode());
        }
    }

    /**
     * The client proved it owns its new address (RFC 9000 §8.2, §9.3): every backend that sends
     * for this connection (isolated paths, instructed streams) sends there from now on. Never
     * before validation: a spoofed source must not aim the backends at a victim (§9.3.1).
     */
    private void onPeerAddressValidated(ConnectionEvent.PeerAddressValidated v) {
        core.metrics().peerAddressValidations++;
        Map<Long, ConnectionId> freshIds = clientMigrated ? rotatePathIds() : Map.of();
        clientMigrated = false;
        java.util.Set<Backend> senders = new java.util.LinkedHashSet<>(backendOfPath.values());
        senders.addAll(instructed.involvedBackends());
        for (Backend b : senders) {
            Long path = pathOfBackend.get(b.id());
            ConnectionId fresh = path == null ? null : freshIds.get(path);
            send(b, new org.qdsr.control.message.PeerAddressUpdate(key, v.address(), fresh));
            core.metrics().peerAddressUpdates++;
        }
        LOG.log(System.Logger.Level.INFO, "connection {0}: client address {1} validated ({2}), {3} real server(s) told",
                Long.toHexString(key), v.address(), v.ipChanged() ? "new IP" : "new port", senders.size());
    }

    /**
     * The client moved on purpose (active migration): every path it gave IDs for, handed out or
     * not, moves to a fresh ID of the client's and the old one is retired, so that no ID links
     * the old and the new address (RFC 9000 §9.5). A path without a spare ID keeps its own.
     * Returns the new ID per path.
     */
    private Map<Long, ConnectionId> rotatePathIds() {
        Map<Long, ConnectionId> fresh = new HashMap<>();
        for (long path : conn.availablePaths()) {
            ConnectionId id = retiredPaths.contains(path) ? null : conn.rotatePathConnectionId(path);
            if (id != null) {
                fresh.put(path, id);
                core.metrics().pathConnectionIdRotations++;
            }
        }
        return fresh;
    }

    private void forward(long streamId, StreamControl.Kind kind, long value) {
        Handed h = handed.get(streamId);
        if (h != null) {
            send(h.backend, new StreamControl(key, streamId, kind, value));
        }
    }

    private void onClosed(long code) {
        if (closed) {
            return;
        }
        closed = true;
        access.closed(now);
        if (conn != null) {
            core.metrics().packetsLost += conn.packetsLost();
            core.metrics().spuriousLosses += conn.spuriousLosses();
            core.metrics().packetsLostByTime += conn.packetsLostByTime();
            countAckFrequency();
        }
        java.util.Set<Backend> involved = new java.util.HashSet<>();
        for (Handed h : handed.values()) {
            involved.add(h.backend);
            h.backend.onStreamDone(0);
        }
        involved.addAll(backendOfPath.values());
        involved.addAll(instructed.involvedBackends());
        instructed.flushReleases(conn);
        instructed.onClosed();
        core.acks().flushConnection(key, now); // the last acknowledgements go before ConnectionClosed
        for (HeldAck h : heldAcks.values()) {
            core.acks().forget(h);
        }
        heldAcks.clear();
        for (Backend b : involved) {
            send(b, new ConnectionClosed(key, code));
        }
        handed.clear();
        core.forget(this);
    }

    // ---- messages from backends ----------------------------------------------------------

    void onBackendMessage(Backend from, ControlMessage m, long now) {
        this.now = now;
        if (conn == null || closed) {
            return;
        }
        if (m instanceof org.qdsr.control.message.KeyUpdateRequest) {
            // RFC 9001 §6.6: the key phase is the LB's; the new keys reach every backend via KeyUpdate
            if (!conn.initiateKeyUpdate()) {
                core.metrics().keyUpdatesDeferred++;
            }
        } else if (m instanceof org.qdsr.control.message.StreamReady r) {
            instructed.onStreamReady(conn, from, r);
            access.instructedStatus(r.streamId(), from, r.status());
        } else if (m instanceof org.qdsr.control.message.SendReport r) {
            instructed.onSendReport(conn, from, r, now);
        } else if (m instanceof StreamReport r && instructed.expectsReport(r.streamId())) {
            InstructedDelivery.Retry retry = instructed.onStreamReport(conn, from, r);
            access.report(from, r, retry != null, now);
            retryElsewhere(r.streamId(), retry);
        } else if (m instanceof StreamReport r) {
            onReport(from, r);
        } else if (m instanceof CreditRequest cr) {
            wantCredit(cr.streamId());
        } else if (m instanceof ProxyHead ph) {
            Handed h = handed.get(ph.streamId());
            if (h != null && !h.isolated() && h.backend == from && h.body == null) {
                h.body = new ProxyBody(ph.contentLength(), () -> this.now);
                access.proxyHead(ph.streamId(), ph.status(), h.body);
                List<Field> fields = new ArrayList<>(ph.headers().size());
                for (Header x : ph.headers()) {
                    fields.add(new Field(x.name(), x.value()));
                }
                h.ctx.respond(new Http3Response(ph.status(), fields, h.body));
            }
        } else if (m instanceof ProxyData d) {
            Handed h = handed.get(d.streamId());
            if (h != null && !h.isolated() && h.backend == from && h.body != null) {
                h.body.append(d.data(), d.fin());
                core.metrics().proxyBytes += d.data().length;
            }
        }
        session.resume();
        grantProxyWindows();
    }

    /** A backend rejected an instructed request before answering: another healthy one gets it. */
    private void retryElsewhere(long streamId, InstructedDelivery.Retry retry) {
        if (retry == null) {
            return;
        }
        Backend next = nextUntried(retry);
        if (next == null) {
            instructed.giveUp(conn, streamId);
            access.failed(streamId, "rejected", now);
            return;
        }
        handOffInstructed(next, streamId, retry);
        next.onHandoff();
    }

    /** Raises each proxied stream's window at its backend as the session forwards its body. */
    private void grantProxyWindows() {
        for (var e : handed.entrySet()) {
            Handed h = e.getValue();
            long limit = h.isolated() || h.body == null ? -1 : h.body.grantDue();
            if (limit >= 0) {
                send(h.backend, new StreamControl(key, e.getKey(), StreamControl.Kind.MAX_STREAM_DATA, limit));
            }
        }
    }

    private void onReport(Backend from, StreamReport r) {
        Handed h = handed.get(r.streamId());
        if (h == null || h.backend != from) {
            return;
        }
        if (h.isolated()) {
            handed.remove(r.streamId());
            if (r.outcome() == StreamReport.Outcome.REJECTED && r.bytesSent() == 0 && h.retry != null) {
                access.report(from, r, retryIsolated(h, r), now); // a retried request's line waits for its end
                return;
            }
            access.report(from, r, false, now);
            if (r.outcome() == StreamReport.Outcome.FINISHED) {
                conn.onHandedOffStreamDone(r.streamId());
                long unused = Math.max(0, h.givenLimit - r.bytesSent());
                conn.returnCredit(unused); // the final size is known: the rest of its credit is free again
                creditGiven.merge(from.id(), -unused, Long::sum);
                creditWaiters.remove(r.streamId());
                grantWaitingCredit(); // now: no client packet may come to trigger it (all may wait)
            } else {
                resetFailed(List.of(h), List.of(r.streamId()));
                core.metrics().streamsFailed++;
            }
            from.onStreamDone(r.bytesSent());
        } else {
            boolean retried = r.outcome() != StreamReport.Outcome.FINISHED && retryProxied(h, r);
            access.report(from, r, retried, now);
            if (r.outcome() != StreamReport.Outcome.FINISHED && !retried) {
                failProxy(h, r.streamId());
            }
        }
    }

    /** A proxied request refused before its head goes to another backend not tried yet; false if none. */
    private boolean retryProxied(Handed h, StreamReport r) {
        Backend next = r.outcome() == StreamReport.Outcome.REJECTED && h.body == null ? nextUntried(h.retry) : null;
        if (next == null) {
            return false;
        }
        handed.remove(r.streamId());
        h.backend.onStreamDone(0);
        core.metrics().handoffRetries++;
        handOffProxied(next, h.ctx, h.retry);
        next.onHandoff();
        return true;
    }

    /** The backend went away: its isolated streams are reset, proxied ones not yet started get a 503. */
    void onBackendDown(Backend b) {
        if (conn == null || closed) {
            return;
        }
        access.backendLost(b, now);
        instructed.onBackendDown(conn, b);
        List<Long> isolated = new ArrayList<>();
        List<Handed> isolatedHanded = new ArrayList<>();
        for (var it = handed.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            Handed h = e.getValue();
            if (h.backend != b) {
                continue;
            }
            it.remove();
            core.metrics().streamsFailed++;
            if (h.isolated()) {
                isolated.add(e.getKey());
                isolatedHanded.add(h);
            } else {
                failProxy(h, e.getKey());
            }
        }
        resetFailed(isolatedHanded, isolated);
        creditWaiters.removeAll(isolated);
        Long path = pathOfBackend.remove(b.id());
        if (path != null) {
            backendOfPath.remove(path);
            HeldAck held = heldAcks.remove(path);
            if (held != null) {
                core.acks().forget(held);
            }
            retiredPaths.add(path); // path IDs are never reused (draft-21 §2)
        }
    }

    /**
     * Resets streams a backend can no longer finish. Their real final sizes are unknown here, so
     * each is declared as the limit the backend was given: the backend cannot have sent more, and
     * that limit is covered by credit reserved for it, so the client's MAX_DATA holds (RFC 9000 §4.5).
     */
    private void resetFailed(List<Handed> hs, List<Long> ids) {
        for (int i = 0; i < ids.size(); i++) {
            conn.resetHandedOffStream(ids.get(i), Http3Error.H3_INTERNAL_ERROR.code(), hs.get(i).givenLimit);
        }
    }

    /** A proxied stream lost its backend: 503 if nothing was answered yet, else the body fails (stream reset). */
    private void failProxy(Handed h, long streamId) {
        handed.remove(streamId);
        h.backend.onStreamDone(0);
        access.proxyFailed(streamId, h.body == null, BACKEND_UNAVAILABLE.length, "backend-failed", now);
        if (h.body == null) {
            h.ctx.respond(Http3Response.of(503, "text/plain", BACKEND_UNAVAILABLE));
        } else {
            h.body.fail();
        }
        session.resume();
    }

    Http3ServerSession session() {
        return session;
    }
}
