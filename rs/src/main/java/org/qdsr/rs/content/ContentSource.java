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

    @Override
    default void close() {
    }
}
