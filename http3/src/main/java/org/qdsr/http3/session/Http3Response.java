package org.qdsr.http3.session;

import java.util.List;
import org.qdsr.http3.qpack.Field;

/** A response to send: status, header fields (lowercase names, no pseudo-headers) and a body. */
public record Http3Response(int status, List<Field> headers, BodySource body) {
    public static Http3Response of(int status, String contentType, byte[] body) {
        return new Http3Response(status, List.of(new Field("content-type", contentType)), BodySource.ofBytes(body));
    }
}
