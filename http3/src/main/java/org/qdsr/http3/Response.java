package org.qdsr.http3;

import java.util.List;
import org.qdsr.http3.qpack.Field;

/** A validated response head (RFC 9114 §4.3.2); {@code headers} excludes :status. */
public record Response(int status, List<Field> headers) {
    public Response {
        headers = List.copyOf(headers);
    }

    /** True for 1xx interim responses, after which another response head follows (§4.1). */
    public boolean isInterim() {
        return status < 200;
    }

    /** The first value of a (lowercase) field name, or null. */
    public String header(String name) {
        return Messages.first(headers, name);
    }
}
