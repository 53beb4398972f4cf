package org.qdsr.http3;

import java.util.List;
import org.qdsr.http3.FrameReader.DataChunk;
import org.qdsr.http3.Http3Frame.DataFrame;
import org.qdsr.http3.Http3Frame.HeadersFrame;
import org.qdsr.http3.Http3Frame.PushPromiseFrame;
import org.qdsr.http3.qpack.Field;
import org.qdsr.http3.qpack.QpackDecoder;

/**
 * Shared frame sequencing for a request or response stream (RFC 9114 §4.1): HEADERS, then DATA*,
 * then optional trailing HEADERS, then FIN. Subclasses validate heads. Sans-I/O: feed stream bytes,
 * call {@link #endOfStream()} at FIN, drain {@link #next()} until null.
 */
public abstract sealed class MessageStreamParser permits RequestStreamParser, ResponseStreamParser {
    private enum Phase { HEAD, BODY, TRAILERS_SEEN, DONE }

    private final FrameReader reader;
    private final QpackDecoder decoder;
    private Phase phase = Phase.HEAD;
    private boolean fin;
    private long contentLength = -1;
    private long received;
    private boolean bodyForbidden;

    MessageStreamParser(QpackDecoder decoder, int maxHeadersPayload) {
        this.decoder = decoder;
        this.reader = new FrameReader(maxHeadersPayload);
    }

    /** Supplies stream bytes; only call once {@link #next()} has returned null. */
    public void feed(byte[] b, int off, int len) {
        reader.feed(b, off, len);
    }

    /** Marks the stream's FIN (after the last {@link #feed}); {@link #next()} then ends with {@link MessageEvent.End}. */
    public void endOfStream() {
        fin = true;
    }

    /** True once {@link MessageEvent.End} has been returned. */
    public boolean isComplete() {
        return phase == Phase.DONE;
    }

    /** The next event, or null when more input (or the FIN) is needed. */
    public MessageEvent next() throws Http3Exception {
        while (phase != Phase.DONE) {
            FrameReader.Event e = reader.next();
            if (e == null) {
                return fin ? finish() : null;
            }
            MessageEvent out = handle(e);
            if (out != null) {
                return out;
            }
        }
        return null;
    }

    private MessageEvent handle(FrameReader.Event e) throws Http3Exception {
        if (e instanceof DataChunk c) {
            received += c.len();
            if (contentLength >= 0 && received > contentLength) {
                throw Messages.malformed("body longer than content-length " + contentLength);
            }
            if (bodyForbidden && c.len() > 0) {
                throw Messages.malformed("body not allowed in this response");
            }
            return new MessageEvent.Body(c.buf(), c.off(), c.len());
        } else if (e instanceof DataFrame) {
            if (phase != Phase.BODY) {
                throw unexpected("DATA " + (phase == Phase.HEAD ? "before HEADERS" : "after trailers"));
            }
            return null;
        } else if (e instanceof HeadersFrame h) {
            return onHeaders(h.fieldSection());
        } else if (e instanceof PushPromiseFrame) {
            throw onPushPromise();
        }
        throw unexpected(e.getClass().getSimpleName() + " on a request stream");
    }

    private MessageEvent onHeaders(byte[] section) throws Http3Exception {
        List<Field> fields = decoder.decode(section, 0, section.length);
        if (phase == Phase.HEAD) {
            MessageEvent head = onHead(fields);
            if (phase == Phase.BODY) {
                contentLength = bodyForbidden ? -1 : Messages.contentLength(fields);
            }
            return head;
        }
        if (phase == Phase.BODY) {
            phase = Phase.TRAILERS_SEEN;
            return new MessageEvent.Trailers(Messages.trailers(fields));
        }
        throw unexpected("HEADERS after trailers");
    }

    private MessageEvent finish() throws Http3Exception {
        reader.endOfStream();
        if (phase == Phase.HEAD) {
            throw new Http3Exception(Http3Error.H3_REQUEST_INCOMPLETE, "stream ended before a complete head", true);
        }
        if (contentLength >= 0 && received != contentLength) {
            throw Messages.malformed("body of " + received + " bytes, content-length " + contentLength);
        }
        phase = Phase.DONE;
        return new MessageEvent.End();
    }

    /** Validates a head; calls {@link #startBody} when it is final. */
    abstract MessageEvent onHead(List<Field> fields) throws Http3Exception;

    /** The error for a received PUSH_PROMISE. */
    abstract Http3Exception onPushPromise();

    /** Moves past the (final) head; {@code forbidBody} for HEAD responses, 204 and 304. */
    void startBody(boolean forbidBody) {
        phase = Phase.BODY;
        bodyForbidden = forbidBody;
    }

    static Http3Exception unexpected(String what) {
        return new Http3Exception(Http3Error.H3_FRAME_UNEXPECTED, what);
    }
}
