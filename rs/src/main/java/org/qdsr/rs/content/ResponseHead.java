package org.qdsr.rs.content;

import java.util.List;
import org.qdsr.http3.qpack.Field;

/**
 * A final response head (RFC 9114 §4.3.2) as a content source produces it.
 *
 * @param status        200..599
 * @param headers       regular fields, lowercase names, no pseudo-headers, no content-length
 *                      and no connection-specific fields (RFC 9114 §4.2)
 * @param contentLength body length in bytes, or -1 when unknown (the body then ends at FIN)
 */
public record ResponseHead(int status, List<Field> headers, long contentLength) {
    public ResponseHead {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status " + status);
        }
        if (contentLength < -1) {
            throw new IllegalArgumentException("content length " + contentLength);
        }
        headers = List.copyOf(headers);
    }
}
