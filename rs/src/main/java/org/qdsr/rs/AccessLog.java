package org.qdsr.rs;

/**
 * One entry per response this real server ended. With direct server return the load balancer
 * never sees a response (its status, its size, when it ended), so the access log is the RS's.
 * Called on the real server's loop thread: an implementation must not block for long.
 */
@FunctionalInterface
public interface AccessLog {
    /** Logs nothing. */
    AccessLog NONE = e -> { };

    void log(Entry e);

    /**
     * A response as the RS ended it.
     *
     * @param link          the control link (load balancer) it came from
     * @param mode          isolated, instructed or proxy
     * @param client        the client's address as the handoff gave it (null in proxy mode)
     * @param status        the HTTP status sent (0 if no head was sent)
     * @param bytes         body bytes written
     * @param outcome       finished (all acknowledged), sent (all sent, the connection closed before the
     *                      last ACK reached this server: usual for clients that close once they have
     *                      the body), closed (the connection closed mid-response), reset, failed
     * @param durationNanos from the handoff to the end
     */
    record Entry(long link, long connectionKey, long streamId, String mode, java.net.InetSocketAddress client,
                 String method, String authority, String path, int status, long bytes, String outcome,
                 long durationNanos) {
    }
}
