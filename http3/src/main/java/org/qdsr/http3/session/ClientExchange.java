package org.qdsr.http3.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.qdsr.http3.FrameWriter;
import org.qdsr.http3.Http3Exception;
import org.qdsr.http3.MessageEvent;
import org.qdsr.http3.Response;
import org.qdsr.http3.ResponseStreamParser;
import org.qdsr.http3.qpack.Field;
import org.qdsr.http3.qpack.QpackDecoder;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.wire.ByteWriter;

/**
 * One client request (RFC 9114 §4.1): HEADERS, an optional DATA frame and FIN out; the response
 * parsed with {@link ResponseStreamParser} (interim 1xx heads skipped) and its body streamed to
 * a {@link BodySink}. Times are differences of the {@code now} values the session received.
 */
final class ClientExchange {
    final CompletableFuture<Http3Result> future = new CompletableFuture<>();
    private final List<Field> head;
    private final byte[] body;
    private final BodySink sink;
    private final boolean headRequest;
    private final long startNanos;
    private final WriteQueue out = new WriteQueue();
    private ResponseStreamParser parser;
    private long id = -1;
    private boolean finSent;
    private Response response;
    private long bodyBytes;
    private long ttfb = -1;

    ClientExchange(String method, String scheme, String authority, String path, List<Field> extra, byte[] body,
                   BodySink sink, long startNanos) {
        List<Field> h = new ArrayList<>(4 + (extra == null ? 0 : extra.size()));
        h.add(new Field(":method", method));
        h.add(new Field(":scheme", scheme));
        h.add(new Field(":authority", authority));
        h.add(new Field(":path", path));
        if (extra != null) {
            h.addAll(extra);
        }
        this.head = h;
        this.body = body;
        this.sink = sink == null ? BodySink.DISCARD : sink;
        this.headRequest = method.equals("HEAD");
        this.startNanos = startNanos;
    }

    long id() {
        return id;
    }

    /** Binds the request to its stream and queues HEADERS, DATA and the FIN. */
    void start(long streamId, QpackDecoder decoder) {
        id = streamId;
        parser = new ResponseStreamParser(decoder, headRequest);
        out.add(FrameWriter.headersFrame(head));
        if (body != null && body.length > 0) {
            byte[] dataHeader = new byte[FrameWriter.dataFrameHeaderLength(body.length)];
            FrameWriter.writeDataFrameHeader(new ByteWriter(dataHeader), body.length);
            out.add(dataHeader);
            out.add(body);
        }
    }

    /** Writes what the stream takes, then FIN. */
    void pump(QuicConnection c) {
        if (id < 0 || finSent) {
            return;
        }
        out.flush(c, id);
        if (out.isEmpty()) {
            c.finish(id);
            finSent = true;
        }
    }

    /** The server asked us to stop sending (STOP_SENDING H3_NO_ERROR, §4.1.1): keep reading. */
    void abandonRequestBody() {
        finSent = true;
    }

    boolean requestSent() {
        return finSent;
    }

    /** Reads and parses the response; true once it is complete (the future is then completed). */
    boolean onReadable(QuicConnection c, byte[] buf, long now) throws Http3Exception {
        int n;
        while ((n = c.read(id, buf, 0, buf.length)) > 0) {
            parser.feed(buf, 0, n);
            if (drain(now)) {
                return true;
            }
        }
        if (n < 0) {
            parser.endOfStream();
            return drain(now);
        }
        return false;
    }

    private boolean drain(long now) throws Http3Exception {
        for (MessageEvent e; (e = parser.next()) != null; ) {
            if (e instanceof MessageEvent.ResponseHead h && !h.response().isInterim()) {
                response = h.response();
                ttfb = now - startNanos;
            } else if (e instanceof MessageEvent.Body b) {
                bodyBytes += b.len();
                sink.onData(b.buf(), b.off(), b.len());
            } else if (e instanceof MessageEvent.End) {
                future.complete(new Http3Result(response, bodyBytes, ttfb, now - startNanos));
                return true;
            }
        }
        return false;
    }

    void fail(Throwable t) {
        future.completeExceptionally(t);
    }
}
