package org.qdsr.http3.session;

import java.util.HashMap;
import java.util.Map;
import org.qdsr.http3.ControlStreamState;
import org.qdsr.http3.FrameWriter;
import org.qdsr.http3.Http3Error;
import org.qdsr.http3.Http3Exception;
import org.qdsr.http3.Http3Settings;
import org.qdsr.http3.UniStreamDispatcher;
import org.qdsr.http3.qpack.QpackDecoder;
import org.qdsr.http3.qpack.QpackStreams;
import org.qdsr.quic.connection.QuicConnection;

/**
 * What both HTTP/3 roles share on one connection: our control stream with SETTINGS and our
 * (silent) QPACK streams (RFC 9114 §6.2, RFC 9204 §4.2), and the peer's unidirectional streams
 * dispatched by type. Every method throws {@link Http3Exception} for connection errors; the
 * session closes the connection with its code.
 */
final class SessionCore {
    /** Our SETTINGS_MAX_FIELD_SECTION_SIZE (and the decoder's bound). */
    static final long MAX_FIELD_SECTION_SIZE = 64 * 1024;

    /** One peer-initiated unidirectional stream. */
    private static final class PeerUni {
        final UniStreamDispatcher.UniStream type;
        QpackStreams.EncoderStreamReader encoder;
        QpackStreams.DecoderStreamReader decoder;
        boolean discarded;

        PeerUni(UniStreamDispatcher.UniStream type) {
            this.type = type;
        }
    }

    final QpackDecoder decoder = new QpackDecoder(MAX_FIELD_SECTION_SIZE);
    private final UniStreamDispatcher dispatcher;
    private final ControlStreamState peerControl;
    private final Map<Long, PeerUni> peerUnis = new HashMap<>();
    private final WriteQueue controlOut = new WriteQueue();
    private final byte[] buf = new byte[4096];
    private long controlId = -1;
    private long encoderId = -1;
    private long decoderId = -1;

    SessionCore(boolean server) {
        this.dispatcher = new UniStreamDispatcher(server);
        this.peerControl = new ControlStreamState(!server);
    }

    boolean started() {
        return controlId >= 0;
    }

    /** Opens our control stream with SETTINGS, then the QPACK encoder and decoder streams (§6.2.1). */
    void start(QuicConnection c) throws Http3Exception {
        controlId = openUni(c);
        controlOut.add(FrameWriter.controlStreamPreface(Http3Settings.local(MAX_FIELD_SECTION_SIZE)));
        encoderId = openUni(c);
        c.write(encoderId, FrameWriter.streamType(FrameWriter.STREAM_QPACK_ENCODER), 0, 1);
        decoderId = openUni(c);
        c.write(decoderId, FrameWriter.streamType(FrameWriter.STREAM_QPACK_DECODER), 0, 1);
        flush(c);
    }

    private static long openUni(QuicConnection c) throws Http3Exception {
        long id = c.openStream(false);
        if (id < 0) {
            // §6.2: the peer MUST allow at least three unidirectional streams.
            throw new Http3Exception(Http3Error.H3_STREAM_CREATION_ERROR, "peer allows no unidirectional stream");
        }
        return id;
    }

    /** Queues a GOAWAY on our control stream (§5.2). */
    void sendGoaway(QuicConnection c, long id) {
        controlOut.add(FrameWriter.goaway(id));
        flush(c);
    }

    void flush(QuicConnection c) {
        if (controlId >= 0) {
            controlOut.flush(c, controlId);
        }
    }

    /** The peer's control stream state: SETTINGS and GOAWAY. */
    ControlStreamState peerControl() {
        return peerControl;
    }

    /** True for our control and QPACK streams; STOP_SENDING on them is a connection error (§6.2.1). */
    boolean isLocalCritical(long id) {
        return id >= 0 && (id == controlId || id == encoderId || id == decoderId);
    }

    /** Reads a peer unidirectional stream and routes its bytes by stream type. */
    void onUniReadable(QuicConnection c, long id) throws Http3Exception {
        PeerUni u = peerUnis.computeIfAbsent(id, k -> new PeerUni(dispatcher.open()));
        if (u.discarded) {
            return;
        }
        int n;
        while ((n = c.read(id, buf, 0, buf.length)) > 0) {
            int off = u.type.kind() == null ? u.type.feed(buf, 0, n) : 0;
            UniStreamDispatcher.Kind kind = u.type.kind();
            if (kind == UniStreamDispatcher.Kind.UNKNOWN) {
                // §6.2: unknown stream types are not an error; stop reading them.
                u.discarded = true;
                c.stopSending(id, UniStreamDispatcher.UNKNOWN_STREAM_ERROR.code());
                return;
            }
            if (kind != null && off < n) {
                route(u, kind, off, n - off);
            }
        }
        if (n < 0) {
            peerUnis.remove(id);
            if (isCritical(u)) {
                closedCritical("peer closed its " + u.type.kind() + " stream");
            }
        }
    }

    private void route(PeerUni u, UniStreamDispatcher.Kind kind, int off, int len) throws Http3Exception {
        switch (kind) {
            case CONTROL -> peerControl.feed(buf, off, len);
            case QPACK_ENCODER -> {
                u.encoder = u.encoder == null ? new QpackStreams.EncoderStreamReader() : u.encoder;
                u.encoder.feed(buf, off, len);
            }
            case QPACK_DECODER -> {
                u.decoder = u.decoder == null ? new QpackStreams.DecoderStreamReader() : u.decoder;
                u.decoder.feed(buf, off, len);
            }
            default -> throw new IllegalStateException("unroutable stream kind " + kind);
        }
    }

    /** The peer reset one of its unidirectional streams: an error only for critical ones (§6.2.1). */
    void onUniReset(long id) throws Http3Exception {
        PeerUni u = peerUnis.remove(id);
        if (u != null && isCritical(u)) {
            closedCritical("peer reset its " + u.type.kind() + " stream");
        }
    }

    private static boolean isCritical(PeerUni u) {
        UniStreamDispatcher.Kind k = u.type.kind();
        return k == UniStreamDispatcher.Kind.CONTROL || k == UniStreamDispatcher.Kind.QPACK_ENCODER
                || k == UniStreamDispatcher.Kind.QPACK_DECODER;
    }

    static void closedCritical(String why) throws Http3Exception {
        throw new Http3Exception(Http3Error.H3_CLOSED_CRITICAL_STREAM, why);
    }

    /**
     * Abandons a request stream: RESET_STREAM on our sending side and/or STOP_SENDING on our
     * receiving side with {@code code}. A stream the QUIC layer already retired is left alone.
     */
    static void abortStream(QuicConnection c, long id, long code, boolean reset, boolean stopSending) {
        try {
            if (reset) {
                c.resetStream(id, code);
            }
            if (stopSending) {
                c.stopSending(id, code);
            }
        } catch (IllegalArgumentException | IllegalStateException alreadyGone) {
            // QuicConnection has no stream-state query; a retired stream needs nothing more.
        }
    }
}
