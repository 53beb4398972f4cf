package org.qdsr.http3;

import java.util.List;
import org.qdsr.http3.qpack.Field;
import org.qdsr.http3.qpack.QpackDecoder;

/**
 * Client side of a request stream (RFC 9114 §4.1): yields zero or more interim
 * {@link MessageEvent.ResponseHead}s (1xx), the final one, {@link MessageEvent.Body}*, optional
 * {@link MessageEvent.Trailers}, then {@link MessageEvent.End}. A body in a response to HEAD, or
 * with 204/304, is malformed. We never send MAX_PUSH_ID, so PUSH_PROMISE is H3_ID_ERROR (§7.2.5).
 */
public final class ResponseStreamParser extends MessageStreamParser {
    private final boolean headRequest;

    /** @param headRequest whether the request was HEAD (its response carries no body) */
    public ResponseStreamParser(QpackDecoder decoder, boolean headRequest) {
        this(decoder, headRequest, FrameReader.DEFAULT_MAX_HEADERS_PAYLOAD);
    }

    public ResponseStreamParser(QpackDecoder decoder, boolean headRequest, int maxHeadersPayload) {
        super(decoder, maxHeadersPayload);
        this.headRequest = headRequest;
    }

    @Override
    MessageEvent onHead(List<Field> fields) throws Http3Exception {
        Response response = Messages.response(fields);
        if (!response.isInterim()) {
            int s = response.status();
            startBody(headRequest || s == 204 || s == 304);
        }
        return new MessageEvent.ResponseHead(response);
    }

    @Override
    Http3Exception onPushPromise() {
        return new Http3Exception(Http3Error.H3_ID_ERROR, "PUSH_PROMISE but no MAX_PUSH_ID was sent");
    }
}
