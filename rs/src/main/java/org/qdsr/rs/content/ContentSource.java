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
     * As {@link #open(Request, long, Runnable)}; with {@code mayRefuse} (the LB has another
     * backend to try, {@code Handoff.mayRefuse}) a source that cannot produce the response at all
     * and has sent nothing anywhere (its origin unreachable) may fail the head ({@link
     * Content#head} throws) instead of answering an error: the RS refuses the stream and the LB
     * retries it elsewhere. Sources without such failures ignore the flag.
     */
    default Content open(Request request, long now, Runnable wakeup, boolean mayRefuse) {
        return open(request, now, wakeup);
    }

    @Override
    default void close() {
    }
}
