package org.qdsr.rs;

import java.util.LinkedHashMap;
import java.util.Map;
import org.qdsr.quic.path.PathSender;

/**
 * What the RS holds for one client connection of one LB link: the path sender (isolated mode,
 * created by the first isolated handoff) and the response streams, plus scheduling marks used
 * by {@link RealServerCore} (ready queue, timer heap, dirty list).
 */
final class RsConnection {
    final long linkId;
    final long connectionKey;
    final Map<Long, ResponseStream> streams = new LinkedHashMap<>();
    PathSender sender;
    /** Instructed mode: the connection's write keys and the client's address (from the first handoff). */
    org.qdsr.quic.path.InstructedSealer sealer;
    java.net.InetSocketAddress client;
    /** Instructed mode: batches waiting for the next send turn. */
    final java.util.ArrayDeque<InstructedSender.Batch> instructions = new java.util.ArrayDeque<>();
    boolean closed;
    /** In the ready queue (has something to pump or send). */
    boolean queued;
    /** In the dirty list (its deadline must be recomputed). */
    boolean dirty;
    /** The deadline the timer heap holds for it, or {@link Long#MAX_VALUE}. */
    long timerAt = Long.MAX_VALUE;

    RsConnection(long linkId, long connectionKey) {
        this.linkId = linkId;
        this.connectionKey = connectionKey;
    }

    /** The earliest of the sender's timer and the wake-up times of streams waiting for content. */
    long computeDeadline() {
        long t = sender == null ? Long.MAX_VALUE : sender.nextTimeout();
        for (ResponseStream s : streams.values()) {
            t = Math.min(t, s.wakeAt());
        }
        return t;
    }

    @Override
    public String toString() {
        return "RsConnection[link=" + linkId + ", connection=" + connectionKey + ", streams=" + streams.size() + "]";
    }
}
