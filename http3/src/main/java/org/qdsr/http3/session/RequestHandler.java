package org.qdsr.http3.session;

import org.qdsr.http3.Request;

/**
 * Serves requests for a {@link Http3ServerSession}. Called on the connection's thread once the
 * request head arrived (and, for requests with a body, once the body is complete); must not block.
 */
@FunctionalInterface
public interface RequestHandler {
    /** {@code body} is the complete request body (empty for GET/HEAD). */
    Http3Response handle(Request request, byte[] body);
}
