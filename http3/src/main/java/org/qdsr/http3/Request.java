package org.qdsr.http3;

import java.util.List;
import org.qdsr.http3.qpack.Field;

/**
 * A validated request head (RFC 9114 §4.3.1). {@code authority} is :authority, or the Host field
 * when :authority is absent; {@code scheme} and {@code path} are null only for CONNECT.
 * {@code headers} holds the regular fields in wire order (no pseudo-headers).
 */
public record Request(String method, String scheme, String authority, String path, List<Field> headers) {
    public Request {
        headers = List.copyOf(headers);
    }

    /** The first value of a (lowercase) field name, or null. */
    public String header(String name) {
        return Messages.first(headers, name);
    }
}
