package org.qdsr.lb;

import java.util.ArrayDeque;
import org.qdsr.quic.connection.QuicConnection;

/**
 * Proxy mode: the response stream bytes a backend sends over the control channel (already
 * HTTP/3-framed by the backend, the same bytes it would send to the client itself in isolated
 * mode), written into the client's stream as QUIC accepts them. The backend may run at most
 * {@link #WINDOW} bytes ahead of what was written; the relay grants more as it writes (the
 * grant travels as StreamControl MAX_STREAM_DATA, see docs/control-protocol.md).
 */
final class ProxyRelay {
    static final long WINDOW = 1 << 20;

    final long streamId;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private int headOffset;
    private boolean fin;
    private boolean finWritten;
    private long written;
    private long granted = WINDOW;
    private long relayedSinceTaken;

    ProxyRelay(long streamId) {
        this.streamId = streamId;
    }

    void append(byte[] data, boolean last) {
        if (data.length > 0) {
            queue.add(data);
        }
        fin |= last;
    }

    /** Drops whatever is queued and sends {@code bytes} as the whole response instead (nothing was written yet). */
    void replaceWith(byte[] bytes) {
        queue.clear();
        headOffset = 0;
        queue.add(bytes);
        fin = true;
    }

    /** Writes what QUIC accepts; returns a new window limit for the backend, or -1 if none is due. */
    long pump(QuicConnection c) {
        while (!queue.isEmpty()) {
            byte[] head = queue.peek();
            int n = c.write(streamId, head, headOffset, head.length - headOffset);
            written += n;
            relayedSinceTaken += n;
            headOffset += n;
            if (headOffset < head.length) {
                break;
            }
            queue.poll();
            headOffset = 0;
        }
        if (queue.isEmpty() && fin && !finWritten) {
            c.finish(streamId);
            finWritten = true;
        }
        if (!fin && written + WINDOW - granted >= WINDOW / 2) {
            granted = written + WINDOW;
            return granted;
        }
        return -1;
    }

    boolean started() {
        return written > 0;
    }

    boolean done() {
        return finWritten;
    }

    long takeRelayed() {
        long n = relayedSinceTaken;
        relayedSinceTaken = 0;
        return n;
    }
}
