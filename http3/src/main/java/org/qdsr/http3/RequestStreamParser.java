package org.qdsr.http3;

import java.util.List;
import org.qdsr.http3.qpack.Field;
import org.qdsr.http3.qpack.QpackDecoder;

/**
 * Server side of a request stream (RFC 9114 §4.1-4.3): yields {@link MessageEvent.RequestHead},
 * {@link MessageEvent.Body}*, optional {@link MessageEvent.Trailers}, then {@link MessageEvent.End}.
 * Malformed requests fail with a stream-level H3_MESSAGE_ERROR; bad frame sequences with
 * connection-level H3_FRAME_UNEXPECTED; a PUSH_PROMISE from a client is H3_FRAME_UNEXPECTED (§7.2.5).
 */
public final class RequestStreamParser extends MessageStreamParser {
    public RequestStreamParser(QpackDecoder decoder) {
        this(decoder, FrameReader.DEFAULT_MAX_HEADERS_PAYLOAD);
    }

    public RequestStreamParser(QpackDecoder decoder, int maxHeadersPayload) {
        super(decoder, maxHeadersPayload);
    }

    @Override
    MessageEvent onHead(List<Field> fields) throws Http3Exception {
        Request request = Messages.request(fields);
        startBody(false);
        return new MessageEvent.RequestHead(request);
    }

    @Override
    Http3Exception onPushPromise() {
        return unexpected("PUSH_PROMISE from a client");
    }
}
