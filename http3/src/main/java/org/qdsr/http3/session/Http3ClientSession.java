package org.qdsr.http3.session;

import java.io.ByteArrayOutputStream;
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
        ClientExchange ex = new ClientExchange(method, scheme, authority, path, extraHeaders, body, sink, lastNow);
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
                return;
            }
            for (Long id : readable) {
                onReadable(c, id, now);
            }
            onGoaway(c);
            issueQueued(c);
            core.flush(c);
            checkConnectionState(c);
            maybeClose(c, now);
        } catch (Http3Exception e) {
            c.close(e.error().code(), e.getMessage(), now);
            failAll(e.getMessage(), e);
        }
    }

    private void onEvent(QuicConnection c, ConnectionEvent e, Set<Long> readable) throws Http3Exception {
        if (e instanceof ConnectionEvent.HandshakeCompleted) {
            core.start(c);
        } else if (e instanceof ConnectionEvent.StreamReadable r) {
            readable.add(r.streamId());
        } else if (e instanceof ConnectionEvent.StreamReset r) {
            onPeerReset(c, r.streamId(), r.errorCode());
        } else if (e instanceof ConnectionEvent.StopSending s) {
            onStopSending(c, s.streamId(), s.errorCode());
        } else if (e instanceof ConnectionEvent.Closed cl) {
            failAll("connection closed: " + cl.reason(), null);
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
            ex.start(id, core.decoder);
            active.put(id, ex);
        }
        for (ClientExchange ex : active.values()) {
            ex.pump(c);
        }
    }

    private void checkConnectionState(QuicConnection c) {
        if (c.state() != QuicConnection.State.HANDSHAKE && c.state() != QuicConnection.State.ESTABLISHED) {
            CloseReason r = c.closeReason();
            failAll("connection closed: " + (r == null ? c.state() : r), null);
        }
    }

    private void maybeClose(QuicConnection c, long now) {
        boolean idle = queued.isEmpty() && active.isEmpty();
        if (idle && closedBecause == null && (closeWhenIdle || goawayId >= 0) && core.started()) {
            c.close(Http3Error.H3_NO_ERROR.code(), closeWhenIdle ? "done" : "goaway", now);
            closedBecause = "closed by us (H3_NO_ERROR)";
        }
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
