package org.qdsr.rs.content;

import org.qdsr.http3.Request;

/**
 * Produces responses for handed-off requests: {@link DirectorySource} (files),
 * {@link SyntheticSource} (deterministic bytes, optional delay), {@link OriginSource} (an
 * HTTP/1.1 origin). Called on the core's thread; {@link #open} never blocks.
 */
public interface ContentSource extends AutoCloseable {
    /**
     * Starts the response to {@code request}. {@code wakeup} must be run on the core's thread
     * (sources that produce bytes elsewhere get an executor for that) whenever the returned
     * content has made progress that {@link Content#notBefore()} does not announce.
     */
    Content open(Request request, long now, Runnable wakeup);

    /**
     * A handed-off request as a real server gets it: the head, the body (empty: none; sources
     * that take no body ignore it), and whether it may refuse: with {@code mayRefuse} (the LB has
     * another backend to try, {@code Handoff.mayRefuse}) a source that cannot produce the response
     * at all and has sent nothing anywhere (its origin unreachable) may fail the head ({@link
     * Content#head} throws) instead of answering an error; the RS refuses the stream and the LB
     * retries it elsewhere. Sources without such failures ignore the flag.
     */
    record Handed(Request request, byte[] body, boolean mayRefuse) {
        public Handed {
            body = body == null ? new byte[0] : body;
        }

        /** A request without a body that may not be refused. */
        public static Handed of(Request request) {
            return new Handed(request, new byte[0], false);
        }
    }

    /** As {@link #open(Request, long, Runnable)} for a handed-off request with its body. */
    default Content open(Handed handed, long now, Runnable wakeup) {
        return open(handed.request(), now, wakeup);
    }

    @Override
    default void close() {
    }
}
