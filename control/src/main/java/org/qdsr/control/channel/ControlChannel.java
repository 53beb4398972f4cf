package org.qdsr.control.channel;

import org.qdsr.control.message.ControlMessage;

/** One end of an LB-RS control channel (docs/control-protocol.md). Thread-safe. */
public interface ControlChannel extends AutoCloseable {
    /**
     * Queues {@code message}; messages are written in send order, and whatever is queued when the
     * writer wakes is coalesced into one write (one TLS record up to 16 KiB). Blocks while the
     * send queue is full (backpressure). Returns false, dropping the message, when the channel
     * is not open (before the Hello exchange, after close) or the thread was interrupted.
     */
    boolean send(ControlMessage message);

    /** Like {@link #send} but returns false instead of blocking when the queue is full. */
    boolean trySend(ControlMessage message);

    /** Replaces the listener; later callbacks go to the new one. */
    void setListener(ControlListener listener);

    /** Whether the Hello exchange completed and the channel has not closed. */
    boolean isOpen();

    /** The peer's node name from its Hello/HelloAck, or null before open. */
    String peerName();

    /** The peer's certificate subject, or "insecure" without TLS, or null before the TLS handshake. */
    String peerIdentity();

    /** Latest heartbeat round-trip time in nanoseconds, or -1 if none measured yet. */
    long lastRttNanos();

    /** Flushes what is queued, then closes; onClose gets a null cause. Idempotent. */
    @Override
    void close();
}
