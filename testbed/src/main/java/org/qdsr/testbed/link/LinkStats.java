package org.qdsr.testbed.link;

import java.util.Locale;

/**
 * Counters of one link direction. {@code forwarded*} counts packets delivered at the far end;
 * a packet is either forwarded, dropped by random loss, dropped by the full queue, or still in
 * flight. {@code sendErrors} counts deliveries the runtime could not write to its socket.
 */
public record LinkStats(long forwardedDatagrams, long forwardedBytes, long lossDatagrams, long lossBytes,
                        long queueDropDatagrams, long queueDropBytes, long sendErrors) {
    /** All zero. */
    public static final LinkStats ZERO = new LinkStats(0, 0, 0, 0, 0, 0, 0);

    /** This with one more send error. */
    public LinkStats withSendErrors(long errors) {
        return new LinkStats(forwardedDatagrams, forwardedBytes, lossDatagrams, lossBytes, queueDropDatagrams,
                queueDropBytes, errors);
    }

    /** One JSON object (snake_case keys). */
    public String toJson() {
        return String.format(Locale.ROOT, "{\"forwarded_datagrams\":%d,\"forwarded_bytes\":%d,"
                        + "\"dropped_loss_datagrams\":%d,\"dropped_loss_bytes\":%d,\"dropped_queue_datagrams\":%d,"
                        + "\"dropped_queue_bytes\":%d,\"send_errors\":%d}", forwardedDatagrams, forwardedBytes,
                lossDatagrams, lossBytes, queueDropDatagrams, queueDropBytes, sendErrors);
    }
}
