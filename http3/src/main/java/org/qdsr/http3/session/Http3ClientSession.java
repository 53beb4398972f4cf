package org.qdsr.http3.session;

import java.io.ByteArrayOutputStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.qdsr.http3.Http3Error;
import org.qdsr.http3.Http3Exception;
import org.qdsr.http3.qpack.Field;
import org.qdsr.quic.connection.CloseReason;
import org.qdsr.quic.connection.ConnectionEvent;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.endpoint.ConnectionHandler;
import org.qdsr.quic.stream.StreamId;

/**
 * The client side of one HTTP/3 connection (RFC 9114 §3-§6): register it as the connection's
 * handler ({@code endpoint.add(connection, session)}) and issue {@link #request}s. Single-threaded:
 * every method MUST be called on the connection's thread (the endpoint's loop, or a simulator
 * action); after calling one outside {@link #onActivity} the endpoint must transmit (poke/drain).
 *
 * <p>Requests made before the handshake completed, or while the server's MAX_STREAMS is used up,
 * wait in a queue. Timings ({@link Http3Result}) are differences of the {@code now} values passed
 * to {@link #onActivity}; a request's start is the {@code now} of the most recent activity before
 * {@link #request} was called (the session reads no clock), so they are approximations that can
 * be off by the time since that activity.
 */
public final class Http3ClientSession implements ConnectionHandler {
    private final SessionCore core = new SessionCore(false);
    private final ArrayDeque<ClientExchange> queued = new ArrayDeque<>();
    private final Map<Long, ClientExchange> active = new LinkedHashMap<>();
    private final byte[] readBuf = new byte[32 * 1024];
    private QuicConnection conn;
    private long lastNow;
    private long goawayId = -1;
    private java.util.function.Consumer<org.qdsr.quic.connection.ResumptionState> ticketListener = t -> { };
    private Boolean earlyDataAccepted;
    private int earlyRequests;
    private boolean closeWhenIdle;
    private String closedBecause;
    private long completed;

    /** A sink that appends the body to {@code out}. */
    public static BodySink collector(ByteArrayOutputStream out) {
        return out::write;
    }

    /**
     * Sends a request; {@code body} may be null; {@code sink} receives the response body (null:
     * discard). The future fails with {@link Http3RequestException} (retryable after GOAWAY or
     * H3_REQUEST_REJECTED) or with the {@link Http3Exception} of a protocol error. Call on the
     * connection's thread only.
     */
    public CompletableFuture<Http3Result> request(String method, String scheme, String authority, String path,
                                                  List<Field> extraHeaders, byte[] body, BodySink sink) {
        ClientExchange ex = new ClientExchange(method, scheme, authority, path, extraHeaders, body, sink,
                conn == null ? -1 : lastNow);
        if (conn != null) {
            checkConnectionState(conn);
        }
        if (closedBecause != null) {
            ex.fail(new Http3RequestException("connection closed: " + closedBecause, -1, false));
        } else if (goawayId >= 0) {
            ex.fail(new Http3RequestException("server sent GOAWAY", Http3Error.H3_NO_ERROR.code(), true));
        } else {
            queued.add(ex);
            if (conn != null && core.started()) {
                issueQueued(conn);
            }
        }
        return ex.future;
    }

    /** Closes the connection with H3_NO_ERROR as soon as no request is queued or in progress. */
    public void closeWhenIdle() {
        closeWhenIdle = true;
        if (conn != null) {
            maybeClose(conn, lastNow);
        }
    }

    /**
     * Closes the connection now with H3_NO_ERROR; requests still queued or in progress fail
     * (not retryable). Call on the connection's thread.
     */
    public void close() {
        failAll("closed by the application", null);
        if (conn != null && Http3ServerSession.isOpen(conn)) {
            conn.close(Http3Error.H3_NO_ERROR.code(), "closed by the application", lastNow);
        } // else: the next activity closes it
    }

    /** Requests queued or in progress. */
    public int pendingRequests() {
        return queued.size() + active.size();
    }

    /** Requests whose response arrived completely. */
    public long completedRequests() {
        return completed;
    }

    /** The server's GOAWAY stream ID, or -1. */
    public long goawayId() {
        return goawayId;
    }

    /**
     * Where the server's session tickets go (RFC 8446 §4.6.1): each resumes a later connection
     * ({@code ClientOptions.withResumption}), whose requests then leave in 0-RTT. Call before the
     * handshake completes, on the connection's thread.
     */
    public void setTicketListener(java.util.function.Consumer<org.qdsr.quic.connection.ResumptionState> l) {
        ticketListener = java.util.Objects.requireNonNull(l);
    }

    /** After the handshake: whether the server took this connection's 0-RTT data; null before. */
    public Boolean earlyDataAccepted() {
        return earlyDataAccepted;
    }

    /** Requests this connection started in 0-RTT, before its handshake completed. */
    public int earlyRequests() {
        return earlyRequests;
    }

    @Override
    public void onActivity(QuicConnection c, long now) {
        conn = c;
        lastNow = now;
        try {
            Set<Long> readable = new LinkedHashSet<>();
            for (ConnectionEvent e; (e = c.pollEvent()) != null; ) {
                onEvent(c, e, readable);
            }
            if (closedBecause != null) {
                if (Http3ServerSession.isOpen(c)) {
                    c.close(Http3Error.H3_NO_ERROR.code(), closedBecause, now); // close() before any activity
                }
                return;
            }
            for (Long id : readable) {
                onReadable(c, id, now); // a response may complete even if the peer closed right after
            }
            onGoaway(c);
            checkConnectionState(c);
            if (closedBecause != null) {
                return;
            }
            if (!core.started() && c.sendsEarlyData()) {
                core.start(c); // a resumed session: SETTINGS and requests go in 0-RTT (RFC 9114 §7.2.4.2)
            }
            issueQueued(c);
            core.flush(c);
            maybeClose(c, now);
        } catch (Http3Exception e) {
            c.close(e.error().code(), e.getMessage(), now);
            failAll(e.getMessage(), e);
        }
    }

    private void onEvent(QuicConnection c, ConnectionEvent e, Set<Long> readable) throws Http3Exception {
        if (e instanceof ConnectionEvent.HandshakeCompleted h) {
            earlyDataAccepted = h.earlyDataAccepted();
            if (!core.started()) {
                core.start(c);
            }
        } else if (e instanceof ConnectionEvent.SessionTicket t) {
            ticketListener.accept(t.state());
        } else if (e instanceof ConnectionEvent.StreamReadable r) {
            readable.add(r.streamId());
        } else if (e instanceof ConnectionEvent.StreamReset r) {
            onPeerReset(c, r.streamId(), r.errorCode());
        } else if (e instanceof ConnectionEvent.StopSending s) {
            onStopSending(c, s.streamId(), s.errorCode());
        } else if (e instanceof ConnectionEvent.Closed cl) {
            failAll(describeClose(cl.reason(), c.alpn() != null, c.peerAddress()), null);
        }
    }

    private void onPeerReset(QuicConnection c, long id, long code) throws Http3Exception {
        if (StreamId.isUnidirectional(id)) {
            core.onUniReset(id);
            return;
        }
        ClientExchange ex = active.remove(id);
        if (ex != null) {
            SessionCore.abortStream(c, id, Http3Error.H3_REQUEST_CANCELLED.code(), !ex.requestSent(), false);
            ex.fail(streamFailure("server reset the stream", code));
        }
    }

    private void onStopSending(QuicConnection c, long id, long code) throws Http3Exception {
        if (core.isLocalCritical(id)) {
            SessionCore.closedCritical("peer sent STOP_SENDING on our critical stream " + id);
        }
        ClientExchange ex = active.get(id);
        if (ex == null) {
            return;
        }
        if (code == Http3Error.H3_NO_ERROR.code()) {
            ex.abandonRequestBody(); // §4.1.1: the response is coming without the rest of the request
            return;
        }
        active.remove(id);
        SessionCore.abortStream(c, id, Http3Error.H3_REQUEST_CANCELLED.code(), false, true);
        ex.fail(streamFailure("server stopped the request", code));
    }

    private static Http3RequestException streamFailure(String what, long code) {
        Http3Error e = Http3Error.fromCode(code);
        String name = e == null ? "" : " " + e;
        return new Http3RequestException(what + " (error 0x" + Long.toHexString(code) + name + ")", code,
                code == Http3Error.H3_REQUEST_REJECTED.code());
    }

    private void onReadable(QuicConnection c, long id, long now) throws Http3Exception {
        if (StreamId.isUnidirectional(id)) {
            core.onUniReadable(c, id);
            return;
        }
        ClientExchange ex = active.get(id);
        if (ex == null) {
            return;
        }
        try {
            if (ex.onReadable(c, readBuf, now)) {
                active.remove(id);
                completed++;
                if (!ex.requestSent()) {
                    // A complete early response (§4.1.1): the rest of the request is not needed.
                    SessionCore.abortStream(c, id, Http3Error.H3_NO_ERROR.code(), true, false);
                }
            }
        } catch (Http3Exception e) {
            if (!e.streamError()) {
                throw e;
            }
            active.remove(id);
            SessionCore.abortStream(c, id, e.error().code(), !ex.requestSent(), true);
            ex.fail(e);
        } catch (RuntimeException sinkFailed) {
            active.remove(id);
            SessionCore.abortStream(c, id, Http3Error.H3_REQUEST_CANCELLED.code(), !ex.requestSent(), true);
            ex.fail(sinkFailed);
        }
    }

    /** §5.2: requests on streams at or above the GOAWAY ID were not processed; they may be retried. */
    private void onGoaway(QuicConnection c) {
        long g = core.peerControl().goawayId();
        if (g < 0 || g == goawayId) {
            return;
        }
        goawayId = g;
        for (ClientExchange ex : new ArrayList<>(active.values())) {
            if (ex.id() >= g) {
                active.remove(ex.id());
                SessionCore.abortStream(c, ex.id(), Http3Error.H3_REQUEST_CANCELLED.code(), !ex.requestSent(), true);
                ex.fail(new Http3RequestException("server sent GOAWAY " + g + "; request not processed",
                        Http3Error.H3_NO_ERROR.code(), true));
            }
        }
        failQueued(new Http3RequestException("server sent GOAWAY " + g, Http3Error.H3_NO_ERROR.code(), true));
    }

    private void issueQueued(QuicConnection c) {
        while (!queued.isEmpty() && core.started() && goawayId < 0 && closedBecause == null) {
            long id = c.openStream(true);
            if (id < 0) {
                break; // MAX_STREAMS used up: StreamsAvailable will bring us back here
            }
            ClientExchange ex = queued.poll();
            if (ex.headSize() > core.peerControl().maxFieldSectionSize()) {
                // §4.2.2: do not send a head larger than the server's limit; the stream is simply not used.
                ex.fail(new Http3RequestException("request head exceeds the server's SETTINGS_MAX_FIELD_SECTION_SIZE",
                        -1, false));
                c.finish(id);
                continue;
            }
            ex.start(id, core.decoder, lastNow);
            active.put(id, ex);
            if (c.sendsEarlyData()) { // only before the handshake completes
                earlyRequests++;
            }
        }
        for (ClientExchange ex : active.values()) {
            ex.pump(c);
        }
    }

    private void checkConnectionState(QuicConnection c) {
        if (closedBecause == null && !Http3ServerSession.isOpen(c)) {
            CloseReason r = c.closeReason();
            failAll(r == null ? "connection closed: " + c.state() : describeClose(r, c.alpn() != null, c.peerAddress()),
                    null);
        }
    }

    private void maybeClose(QuicConnection c, long now) {
        boolean idle = queued.isEmpty() && active.isEmpty();
        if (idle && closedBecause == null && (closeWhenIdle || goawayId >= 0) && core.started()) {
            c.close(Http3Error.H3_NO_ERROR.code(), closeWhenIdle ? "done" : "goaway", now);
            closedBecause = "closed by us (H3_NO_ERROR)";
        }
    }

    /**
     * Why requests failed with their connection, in a user's words. A server that never answered
     * the handshake (nothing listening on that address and port, datagrams dropped) used to read
     * "connection closed: IDLE_TIMEOUT (NO_ERROR: idle timeout)".
     *
     * @param serverAnswered whether the handshake got as far as the server's ALPN choice
     */
    public static String describeClose(CloseReason reason, boolean serverAnswered, InetSocketAddress peer) {
        boolean timeout = reason.kind() == CloseReason.Kind.IDLE_TIMEOUT
                || reason.kind() == CloseReason.Kind.HANDSHAKE_TIMEOUT;
        if (timeout && !serverAnswered && peer != null) {
            String host = peer.getAddress() instanceof Inet6Address ? "[" + peer.getHostString() + "]"
                    : peer.getHostString();
            return "no answer from " + host + ":" + peer.getPort() + ": the QUIC handshake timed out (no server on"
                    + " that UDP address and port, or the datagrams are dropped)";
        }
        return "connection closed: " + reason;
    }

    private void failAll(String why, Throwable cause) {
        closedBecause = closedBecause != null ? closedBecause : why;
        for (ClientExchange ex : active.values()) {
            ex.fail(cause != null ? cause : new Http3RequestException(why, -1, false));
        }
        active.clear();
        failQueued(new Http3RequestException(why, -1, false));
    }

    private void failQueued(Http3RequestException e) {
        while (!queued.isEmpty()) {
            queued.poll().fail(e);
        }
    }
}
