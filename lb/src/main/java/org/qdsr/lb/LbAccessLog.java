package org.qdsr.lb;

import java.net.InetSocketAddress;

/**
 * One entry per request stream the load balancer handled, written once its outcome is known
 * (docs/operations.md "Access log"): answered by the LB itself, relayed (proxy mode), or handed
 * off to a real server (isolated, instructed), whose report supplies status, bytes and outcome.
 * Called on the LB's loop thread: an implementation must be cheap and must not block; whatever
 * it throws is caught and dropped by the caller.
 */
@FunctionalInterface
public interface LbAccessLog {
    /** Logs nothing (the default: then the LB tracks nothing either). */
    LbAccessLog NONE = e -> { };

    void log(Entry e);

    /**
     * A request as the LB ended it.
     *
     * @param connectionKey the LB's connection key (the real servers' log names it {@code connection} too)
     * @param streamId      the request's QUIC stream ID
     * @param client        the client's address as the LB saw it when the request arrived
     * @param mode          {@code local} (the LB answered), {@code isolated}, {@code instructed} or {@code proxy}
     * @param backend       the real server's name, or {@code -} when no backend got the request
     * @param status        the HTTP status (0 when unknown: instructed responses the client received, reports without one)
     * @param bytes         body bytes for local and proxied answers; for handed-off ones the response stream's bytes
     *                      (body and HTTP/3 framing) the real server reported, as in its own log
     * @param outcome       answered, finished, sent, reset, failed, closed, backend-lost
     * @param reason        why the LB answered itself or why the stream failed ({@code no-backend},
     *                      {@code bad-path}, {@code backend-lost}, {@code rejected}...), or {@code -}
     * @param durationNanos from the dispatch of the request to its end (proxy: the last byte handed to QUIC)
     */
    record Entry(long connectionKey, long streamId, InetSocketAddress client, String method, String authority,
                 String path, String mode, String backend, int status, long bytes, String outcome, String reason,
                 long durationNanos) {
    }
}
