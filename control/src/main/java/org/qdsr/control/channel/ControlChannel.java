package org.qdsr.control.channel;

import org.qdsr.control.message.ControlMessage;

/** One end of an LB-RS control channel (docs/control-protocol.md). Thread-safe. */
public interface ControlChannel extends AutoCloseable {
    /**
     * Sends {@code message}: messages go out in send order, never torn. From the
     * {@linkplain #batchOn batching thread} the message is buffered until {@link #flush()} (or
     * until 64 KiB are buffered), which writes on the calling thread; messages of any other thread
     * are written by the channel's I/O thread, woken once per burst. A write never blocks: what
     * the socket does not take waits in a backlog that the I/O thread writes. Blocks while {@code queueCapacity} messages are buffered or in the backlog
     * (backpressure). Returns false, dropping the message, when the channel is not open (before
     * the Hello exchange, after close or failure) or the thread was interrupted.
     */
    boolean send(ControlMessage message);

    /** Like {@link #send} but returns false instead of blocking when the channel is full. */
    boolean trySend(ControlMessage message);

    /**
     * Writes what the batching thread buffered: sealed into as few TLS records as possible, one
     * non-blocking write. Cheap when nothing is buffered: call it after each event-loop turn.
     */
    void flush();

    /**
     * Makes sends from {@code thread} buffer until {@link #flush()} and write on that thread (an
     * event loop that flushes after each turn); null, the default: the I/O thread writes them all.
     */
    void batchOn(Thread thread);

    /** Replaces the listener; later callbacks go to the new one. */
    void setListener(ControlListener listener);

    /** Whether the Hello exchange completed and the channel has not closed. */
    boolean isOpen();

    /** The peer's node name from its Hello/HelloAck, or null before open. */
    String peerName();

    /** The peer's certificate subject, or "insecure" without TLS, or null before the TLS handshake. */
    String peerIdentity();

    /** Counts of the sending side (messages, flushes, TLS records, socket writes) of the current connection. */
    default WriteStats writeStats() {
        return WriteStats.NONE;
    }

    /** Latest heartbeat round-trip time in nanoseconds, or -1 if none measured yet. */
    long lastRttNanos();

    /** Writes what is buffered and the backlog, then closes; onClose gets a null cause. Idempotent. */
    @Override
    void close();
}
