package org.qdsr.http3.session;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.qdsr.http3.FrameWriter;
import org.qdsr.http3.Http3Error;
import org.qdsr.http3.Http3Exception;
import org.qdsr.http3.MessageEvent;
import org.qdsr.http3.Request;
import org.qdsr.http3.RequestStreamParser;
import org.qdsr.http3.qpack.Field;
import org.qdsr.http3.qpack.QpackDecoder;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.wire.VarInt;

/**
 * One request stream on the server (RFC 9114 §4.1): parses the request, then streams the
 * response as HEADERS and DATA frames, pulling the body from a {@link BodySource} only when the
 * stream's send buffer has taken everything queued so far (so memory stays bounded by the QUIC
 * send buffer plus one chunk).
 */
final class ServerExchange {
    /** DATA frame payload per read from the body source. */
    static final int CHUNK = 32 * 1024;
    /** Connection-specific fields are malformed in HTTP/3 (RFC 9114 §4.2); dropped from handler responses. */
    private static final Set<String> CONNECTION_SPECIFIC =
            Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade");
    private static final int HEADER_ROOM = 8;

    final long id;
    private final RequestStreamParser parser;
    private final int maxRequestBody;
    private Request request;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private boolean requestComplete;
    /** The body went over {@code maxRequestBody}: what else arrives is read and dropped. */
    private boolean bodyTooLarge;
    private final WriteQueue out = new WriteQueue();
    private BodySource source;
    private long declaredLength = -1;
    private byte[] chunk;
    private boolean responding;
    private boolean finished;
    private long bodyBytesSent;

    ServerExchange(long id, QpackDecoder decoder, int maxRequestBody) {
        this.id = id;
        this.parser = new RequestStreamParser(decoder);
        this.maxRequestBody = maxRequestBody;
    }

    Request request() {
        return request;
    }

    byte[] requestBody() {
        return body.toByteArray();
    }

    boolean requestComplete() {
        return requestComplete;
    }

    /** The request's body is larger than this session takes (its head is known, the rest is dropped). */
    boolean bodyTooLarge() {
        return bodyTooLarge;
    }

    int maxRequestBody() {
        return maxRequestBody;
    }

    boolean responding() {
        return responding;
    }

    /** FIN written: the response is complete on our side. */
    boolean finished() {
        return finished;
    }

    long bodyBytesSent() {
        return bodyBytesSent;
    }

    /** Reads and parses what arrived; true when the request became complete (head, body, FIN). */
    boolean onReadable(QuicConnection c, byte[] buf) throws Http3Exception {
        if (requestComplete) {
            return false;
        }
        int n;
        while ((n = c.read(id, buf, 0, buf.length)) > 0) {
            if (bodyTooLarge) {
                continue; // dropped: the client was told to stop sending
            }
            parser.feed(buf, 0, n);
            if (drain()) {
                return true;
            }
        }
        if (bodyTooLarge) {
            return false;
        }
        if (n < 0) {
            parser.endOfStream();
            return drain();
        }
        return false;
    }

    private boolean drain() throws Http3Exception {
        for (MessageEvent e; (e = parser.next()) != null; ) {
            if (e instanceof MessageEvent.RequestHead h) {
                request = h.request();
            } else if (e instanceof MessageEvent.Body b) {
                if (body.size() + (long) b.len() > maxRequestBody) {
                    bodyTooLarge = true; // the session answers 413 (RFC 9110 §15.5.14)
                    body.reset();
                    return false;
                }
                body.write(b.buf(), b.off(), b.len());
            } else if (e instanceof MessageEvent.End) {
                requestComplete = true;
                return true;
            }
        }
        return false;
    }

    /**
     * Queues the response head (§4.3.2): :status, content-length when the body length is known,
     * then the handler's fields (pseudo-headers dropped). HEAD, 204 and 304 carry no body (§4.1).
     * A head larger than the peer's SETTINGS_MAX_FIELD_SECTION_SIZE is replaced by a bare 500.
     */
    void respond(Http3Response r, long peerMaxFieldSection) {
        int status = r.status();
        BodySource src = r.body() == null ? BodySource.empty() : r.body();
        boolean noBody = request.method().equals("HEAD") || status == 204 || status == 304;
        List<Field> fields = responseFields(status, src.length(), r.headers());
        if (sectionSize(fields) > peerMaxFieldSection) {
            fields = List.of(new Field(":status", "500"), new Field("content-length", "0"));
            noBody = true;
        }
        out.add(FrameWriter.headersFrame(fields));
        responding = true;
        if (noBody) {
            closeQuietly(src);
        } else {
            source = src;
            declaredLength = src.length();
        }
    }

    private static List<Field> responseFields(int status, long length, List<Field> headers) {
        List<Field> fields = new ArrayList<>(headers == null ? 2 : headers.size() + 2);
        fields.add(new Field(":status", Integer.toString(status)));
        boolean lengthKnown = length >= 0 && status != 204 && status != 304;
        if (lengthKnown) {
            fields.add(new Field("content-length", Long.toString(length)));
        }
        if (headers != null) {
            for (Field f : headers) {
                String name = f.name().toLowerCase(Locale.ROOT);
                if (!name.startsWith(":") && !CONNECTION_SPECIFIC.contains(name)
                        && !(lengthKnown && name.equals("content-length"))) {
                    fields.add(f);
                }
            }
        }
        return fields;
    }

    private static long sectionSize(List<Field> fields) {
        long size = 0;
        for (Field f : fields) {
            size += f.size();
        }
        return size;
    }

    /**
     * Moves response bytes into the stream until it is full, the source has nothing ready, or
     * about {@code budget} bytes were written; writes FIN after the last byte. Returns the bytes
     * written. Throws IOException when the source fails or disagrees with its declared length.
     */
    long pump(QuicConnection c, int budget) throws IOException {
        long written = 0;
        while (responding && !finished) {
            if (!out.isEmpty()) {
                written += out.flush(c, id);
                if (!out.isEmpty()) {
                    return written;
                }
            }
            if (source == null) {
                c.finish(id);
                finished = true;
                return written;
            }
            if (written >= budget || !fillChunk()) {
                return written;
            }
        }
        return written;
    }

    /** Reads the next DATA frame into {@link #chunk}; false when the source has nothing ready. */
    private boolean fillChunk() throws IOException {
        if (chunk == null) {
            chunk = new byte[HEADER_ROOM + chunkSize()];
        }
        int n = source.read(chunk, HEADER_ROOM, chunk.length - HEADER_ROOM);
        if (n == 0) {
            return false;
        }
        if (n < 0) {
            endOfSource();
            return true;
        }
        if (declaredLength >= 0 && bodyBytesSent + n > declaredLength) {
            throw new IOException("body source longer than its declared length " + declaredLength);
        }
        int headerLen = 1 + VarInt.size(n);
        int start = HEADER_ROOM - headerLen;
        chunk[start] = 0x00; // DATA (§7.2.1)
        VarInt.encode(n, chunk, start + 1);
        out.add(chunk, start, headerLen + n);
        bodyBytesSent += n;
        return true;
    }

    /**
     * Small bodies get a small buffer: a fresh 32 KiB array per response cost more than the rest of
     * a small request. One spare byte lets the read after the last byte report the end.
     */
    private int chunkSize() {
        if (declaredLength < 0) {
            return CHUNK;
        }
        return (int) Math.min(CHUNK, Math.max(0, declaredLength - bodyBytesSent) + 1);
    }

    private void endOfSource() throws IOException {
        BodySource s = source;
        source = null;
        s.close();
        if (declaredLength >= 0 && bodyBytesSent != declaredLength) {
            throw new IOException("body source ended at " + bodyBytesSent + " of " + declaredLength + " bytes");
        }
    }

    /** Releases the body source (on abort or connection close). */
    void release() {
        if (source != null) {
            closeQuietly(source);
            source = null;
        }
    }

    static void closeQuietly(BodySource s) {
        try {
            s.close();
        } catch (IOException | RuntimeException ignored) {
            // nothing useful to do: the response is over either way
        }
    }
}
