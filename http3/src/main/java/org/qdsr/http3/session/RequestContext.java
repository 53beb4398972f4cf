package org.qdsr.http3.session;

import org.qdsr.http3.Request;

/**
 * One complete request as a {@link RequestDispatcher} sees it. Exactly one of {@link #respond}
 * or {@link #detach} must be called, now or later, on the connection's thread.
 */
public interface RequestContext {
    long streamId();

    Request request();

    /** The complete request body (empty for GET/HEAD). */
    byte[] body();

    /** Answers from this session: HEADERS and DATA are written by it as the stream has room. */
    void respond(Http3Response response);

    /**
     * The response side of this stream is written by someone else from now on (QDSR's handoff
     * to a real server): the session writes nothing more on it and forgets it.
     */
    void detach();

    /** True once {@link #respond} or {@link #detach} was called, or the stream went away. */
    boolean settled();
}
