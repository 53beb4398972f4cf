package org.qdsr.http3.session;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.qdsr.http3.Http3Error;
import org.qdsr.http3.Http3Exception;
import org.qdsr.quic.connection.ConnectionEvent;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.endpoint.ConnectionHandler;
import org.qdsr.quic.stream.StreamId;

/**
 * The server side of one HTTP/3 connection (RFC 9114 §3-§6) on a {@link QuicConnection}; use
 * {@code c -> new Http3ServerSession(handler)} as the endpoint's handler factory. Single-threaded:
 * every method runs on the connection's thread.
 *
 * <p>Each client bidirectional stream is a request ({@link ServerExchange}); once it is complete
 * the {@link RequestHandler} answers and the response body is pulled from its {@link BodySource}
 * as the stream has room (at most {@value #BUDGET} bytes per stream per activity). Stream errors
 * reset the stream (RESET_STREAM + STOP_SENDING with the code); connection errors close the
 * connection with the code. {@link #shutdown()} is the graceful GOAWAY close (§5.2).
 */
public final class Http3ServerSession implements ConnectionHandler {
    /** Bytes written per response stream per activity before yielding to the others. */
    static final int BUDGET = 256 * 1024;
    /** Largest request body buffered for the handler; more is a stream error (H3_EXCESSIVE_LOAD). */
    static final int MAX_REQUEST_BODY = 16 << 20;
    private static final System.Logger LOG = System.getLogger(Http3ServerSession.class.getName());

    private final RequestDispatcher dispatcher;
    private java.util.function.BiConsumer<QuicConnection, ConnectionEvent> eventTap = (c, e) -> {
    };
    private RefusalTap refusalTap = (id, status, code, reason) -> {
    };
    private final int maxRequestBody;
    private final SessionCore core = new SessionCore(true);
    private final Map<Long, ServerExchange> exchanges = new LinkedHashMap<>();
    private final byte[] readBuf = new byte[32 * 1024];
    private QuicConnection conn;
    private long lastNow;
    private long highestRequestId = -1;
    private boolean shutdownRequested;
    private java.util.function.BooleanSupplier detachedInFlight = () -> false;
    private long goawayId = -1;
    private int activitiesSinceGoaway;
    private boolean closed;
    private long requestsServed;
    private long bodyBytesSent;

    public Http3ServerSession(RequestHandler handler) {
        this(RequestDispatcher.of(handler));
    }

    /** A session whose requests are answered, later answered or handed off by {@code dispatcher}. */
    public Http3ServerSession(RequestDispatcher dispatcher) {
        this(dispatcher, MAX_REQUEST_BODY);
    }

    /**
     * As above, taking request bodies of at most {@code maxRequestBody} bytes: a larger one is
     * answered 413 and its client told to stop sending, and the refusal tap hears of it.
     */
    public Http3ServerSession(RequestDispatcher dispatcher, int maxRequestBody) {
        if (maxRequestBody < 0) {
            throw new IllegalArgumentException("max request body must be 0 or more: " + maxRequestBody);
        }
        this.dispatcher = dispatcher;
        this.maxRequestBody = maxRequestBody;
    }

    /**
     * Sees every connection event after the session handled it (the connection has one event
     * queue and this session drains it): what an owner of detached streams needs, such as
     * PATH_ACKs, resets and STOP_SENDING on streams it handed off, or the connection closing.
     */
    public void setEventTap(java.util.function.BiConsumer<QuicConnection, ConnectionEvent> tap) {
        this.eventTap = tap;
    }

    /** Told of every request stream that ends before it reached the dispatcher. */
    @FunctionalInterface
    public interface RefusalTap {
        /**
         * Request stream {@code streamId} was refused because {@code reason}: answered with
         * {@code status} (413 for a body over the limit; 0: none) and reset or stopped with
         * {@code errorCode} ({@link Http3Error}).
         */
        void refused(long streamId, int status, long errorCode, String reason);
    }

    /**
     * Where refusals go (an access log): requests above the GOAWAY id (H3_REQUEST_REJECTED),
     * malformed ones (H3_MESSAGE_ERROR and other stream errors), those the client reset before
     * they were complete (H3_REQUEST_CANCELLED), and bodies over the limit (413).
     */
    public void setRefusalTap(RefusalTap tap) {
        this.refusalTap = java.util.Objects.requireNonNull(tap);
    }

    @Override
    public void onActivity(QuicConnection c, long now) {
        conn = c;
        lastNow = now;
        activitiesSinceGoaway++;
        if (closed) {
            drainEvents(c);
            return;
        }
        try {
            Set<Long> readable = new LinkedHashSet<>();
            for (ConnectionEvent e; !closed && (e = c.pollEvent()) != null; ) {
                onEvent(c, e, readable);
                eventTap.accept(c, e);
            }
            if (!closed && !isOpen(c)) {
                onClosed(); // closing or draining: nothing more will be sent
            }
            if (closed) {
                return;
            }
            for (Long id : readable) {
                onReadable(c, id);
            }
            pumpAll(c);
            core.flush(c);
            progressShutdown(c, now);
        } catch (Http3Exception e) {
            connectionError(c, e, now);
        }
    }

    static boolean isOpen(QuicConnection c) {
        return c.state() == QuicConnection.State.HANDSHAKE || c.state() == QuicConnection.State.ESTABLISHED;
    }

    private void drainEvents(QuicConnection c) {
        for (ConnectionEvent e; (e = c.pollEvent()) != null; ) {
            eventTap.accept(c, e); // the session is over; its owner may still care
        }
    }

    private void onEvent(QuicConnection c, ConnectionEvent e, Set<Long> readable) throws Http3Exception {
        if (e instanceof ConnectionEvent.HandshakeCompleted) {
            core.start(c);
        } else if (e instanceof ConnectionEvent.StreamOpened o) {
            onStreamOpened(c, o.streamId());
        } else if (e instanceof ConnectionEvent.StreamReadable r) {
            readable.add(r.streamId());
        } else if (e instanceof ConnectionEvent.StreamAcknowledged a) {
            ServerExchange ex = exchanges.get(a.streamId());
            if (ex != null && ex.finished()) {
                exchanges.remove(a.streamId());
            }
        } else if (e instanceof ConnectionEvent.StreamReset r) {
            onPeerReset(c, r.streamId());
        } else if (e instanceof ConnectionEvent.StopSending s) {
            onStopSending(c, s.streamId());
        } else if (e instanceof ConnectionEvent.Closed) {
            onClosed();
        }
    }

    private void onStreamOpened(QuicConnection c, long id) {
        if (StreamId.isUnidirectional(id)) {
            return; // read lazily; its type decides what it is
        }
        highestRequestId = Math.max(highestRequestId, id);
        if (goawayId >= 0 && id >= goawayId) {
            // §5.2: requests at or above the GOAWAY id are rejected without processing.
            SessionCore.abortStream(c, id, Http3Error.H3_REQUEST_REJECTED.code(), true, true);
            refusalTap.refused(id, 0, Http3Error.H3_REQUEST_REJECTED.code(), "after GOAWAY");
            return;
        }
        exchanges.put(id, new ServerExchange(id, core.decoder, maxRequestBody));
    }

    private void onPeerReset(QuicConnection c, long id) throws Http3Exception {
        if (StreamId.isUnidirectional(id)) {
            core.onUniReset(id);
            return;
        }
        ServerExchange ex = exchanges.get(id);
        if (ex != null && !ex.requestComplete()) {
            // The client abandoned the request (§4.1.1): abandon the response too.
            exchanges.remove(id);
            ex.release();
            SessionCore.abortStream(c, id, Http3Error.H3_REQUEST_CANCELLED.code(), true, false);
            refusalTap.refused(id, 0, Http3Error.H3_REQUEST_CANCELLED.code(), "client reset the request before its end");
        }
    }

    private void onStopSending(QuicConnection c, long id) throws Http3Exception {
        if (core.isLocalCritical(id)) {
            SessionCore.closedCritical("peer sent STOP_SENDING on our critical stream " + id);
        }
        ServerExchange ex = exchanges.remove(id);
        if (ex != null) {
            // The QUIC layer already reset our sending side; stop reading a request nobody will answer.
            ex.release();
            SessionCore.abortStream(c, id, Http3Error.H3_REQUEST_CANCELLED.code(), false, !ex.requestComplete());
        }
    }

    private void onReadable(QuicConnection c, long id) throws Http3Exception {
        if (StreamId.isUnidirectional(id)) {
            core.onUniReadable(c, id);
            return;
        }
        ServerExchange ex = exchanges.get(id);
        if (ex == null) {
            return;
        }
        try {
            if (ex.onReadable(c, readBuf)) {
                dispatch(ex);
            } else if (ex.bodyTooLarge() && !ex.responding()) {
                answerTooLarge(c, ex);
            }
        } catch (Http3Exception e) {
            if (!e.streamError()) {
                throw e;
            }
            exchanges.remove(id);
            SessionCore.abortStream(c, id, e.error().code(), true, !ex.requestComplete());
            refusalTap.refused(id, 0, e.error().code(), e.getMessage());
        }
    }

    /**
     * A request body over the limit: 413 (RFC 9110 §15.5.14) before the request is complete, and
     * STOP_SENDING with H3_NO_ERROR for the rest of it (RFC 9114 §4.1.2).
     */
    private void answerTooLarge(QuicConnection c, ServerExchange ex) {
        SessionCore.abortStream(c, ex.id, Http3Error.H3_NO_ERROR.code(), false, true);
        String why = "request body over " + ex.maxRequestBody() + " bytes";
        ex.respond(Http3Response.of(413, "text/plain", (why + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                core.peerControl().maxFieldSectionSize());
        refusalTap.refused(ex.id, 413, Http3Error.H3_NO_ERROR.code(), why);
        pumpAll(c);
    }

    private void dispatch(ServerExchange ex) {
        Context ctx = new Context(ex);
        try {
            dispatcher.dispatch(ctx);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "request handler failed", e);
            if (!ctx.settled()) {
                ctx.respond(null);
            }
        }
    }

    /** The context of one dispatched request; answers go through the session's own exchange. */
    private final class Context implements RequestContext {
        private final ServerExchange ex;
        private boolean settled;

        Context(ServerExchange ex) {
            this.ex = ex;
        }

        @Override
        public long streamId() {
            return ex.id;
        }

        @Override
        public org.qdsr.http3.Request request() {
            return ex.request();
        }

        @Override
        public byte[] body() {
            return ex.requestBody();
        }

        @Override
        public void respond(Http3Response response) {
            if (settled()) {
                return;
            }
            settled = true;
            Http3Response r = response != null ? response
                    : Http3Response.of(500, "text/plain", "internal error\n".getBytes());
            ex.respond(r, core.peerControl().maxFieldSectionSize());
            if (conn != null && !closed) {
                pumpAll(conn);
            }
        }

        @Override
        public void detach() {
            if (settled()) {
                return;
            }
            settled = true;
            exchanges.remove(ex.id);
            ex.release();
        }

        @Override
        public boolean settled() {
            return settled || closed || exchanges.get(ex.id) != ex;
        }
    }

    private void pumpAll(QuicConnection c) {
        if (exchanges.isEmpty()) {
            return; // e.g. a load balancer whose streams were all handed off: no copy per datagram
        }
        for (ServerExchange ex : new ArrayList<>(exchanges.values())) {
            if (!ex.responding() || ex.finished()) {
                continue;
            }
            long before = ex.bodyBytesSent();
            try {
                ex.pump(c, BUDGET);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "response body failed on stream " + ex.id, e);
                exchanges.remove(ex.id);
                ex.release();
                SessionCore.abortStream(c, ex.id, Http3Error.H3_INTERNAL_ERROR.code(), true, false);
            }
            bodyBytesSent += ex.bodyBytesSent() - before;
            if (ex.finished()) {
                requestsServed++;
            }
        }
    }

    /**
     * Continues responses whose {@link BodySource} returned 0 earlier. Call on the connection's
     * thread; then let the endpoint drain the connection ({@code QuicServerEndpoint.activate}).
     */
    public void resume() {
        if (conn != null && !closed) {
            pumpAll(conn);
            progressShutdown(conn, lastNow);
        }
    }

    /**
     * Tells a graceful {@link #shutdown} about streams this session no longer tracks: while
     * {@code inFlight} is true (detached streams whose responses another party still delivers,
     * such as a load balancer's handed-off streams), the connection stays open. Call
     * {@link #resume} when it turns false.
     */
    public void setDetachedInFlight(java.util.function.BooleanSupplier inFlight) {
        this.detachedInFlight = inFlight;
    }

    /**
     * Graceful shutdown (§5.2): sends GOAWAY with the first request stream ID not yet seen,
     * rejects later requests with H3_REQUEST_REJECTED, lets in-flight ones finish (detached ones
     * too, see {@link #setDetachedInFlight}), then closes with H3_NO_ERROR. Call on the connection's thread, then let the endpoint drain the connection.
     */
    public void shutdown() {
        shutdownRequested = true;
        if (conn != null && !closed) {
            progressShutdown(conn, lastNow);
        }
    }

    /**
     * Sends GOAWAY when the control stream exists; closes once every admitted exchange is done
     * (response fully acknowledged) and at least one activity followed the GOAWAY, so that the
     * GOAWAY had a chance to leave before CONNECTION_CLOSE (an approximation: there is no timer).
     */
    private void progressShutdown(QuicConnection c, long now) {
        if (!shutdownRequested || closed || !core.started()) {
            return;
        }
        if (goawayId < 0) {
            goawayId = highestRequestId < 0 ? 0 : highestRequestId + 4; // next client bidi stream ID
            core.sendGoaway(c, goawayId);
            activitiesSinceGoaway = 0;
            return;
        }
        if (exchanges.isEmpty() && !detachedInFlight.getAsBoolean() && activitiesSinceGoaway > 0) {
            closed = true;
            c.close(Http3Error.H3_NO_ERROR.code(), "shutdown", now);
        }
    }

    private void connectionError(QuicConnection c, Http3Exception e, long now) {
        LOG.log(System.Logger.Level.DEBUG, "HTTP/3 connection error: {0}", e.getMessage());
        c.close(e.error().code(), e.getMessage(), now);
        onClosed();
    }

    private void onClosed() {
        closed = true;
        for (ServerExchange ex : exchanges.values()) {
            ex.release();
        }
        exchanges.clear();
    }

    /** Responses completed (FIN written). */
    public long requestsServed() {
        return requestsServed;
    }

    /** Response body bytes handed to QUIC (DATA payloads, not frame headers). */
    public long bodyBytesSent() {
        return bodyBytesSent;
    }

    /** Requests admitted and not yet fully answered and acknowledged. */
    public int activeRequests() {
        return exchanges.size();
    }

    /** The GOAWAY stream ID sent, or -1. */
    public long goawayId() {
        return goawayId;
    }
}
