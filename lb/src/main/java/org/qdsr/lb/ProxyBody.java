package org.qdsr.lb;

import java.util.ArrayDeque;
import org.qdsr.http3.session.BodySource;

/**
 * Proxy mode: a response body arriving from a backend in ProxyData messages, pulled by the
 * HTTP/3 session as the client's stream has room. The backend may run at most {@link #WINDOW}
 * body bytes ahead of what was forwarded; {@link #grantDue()} says when to raise its limit
 * (StreamControl MAX_STREAM_DATA with an absolute body offset, docs/control-protocol.md).
 */
final class ProxyBody implements BodySource {
    static final long WINDOW = 1 << 20;
    /** {@link #endedAt()} before the last byte went. */
    static final long NOT_ENDED = Long.MIN_VALUE;

    private final long length;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private int headOffset;
    private boolean fin;
    private long forwarded;
    private long granted = WINDOW;
    private boolean failed;
    private final java.util.function.LongSupplier clock;
    private long endedAt = NOT_ENDED;

    ProxyBody(long length) {
        this(length, () -> NOT_ENDED);
    }

    /** {@code clock}: the connection's time, read when the session takes the end of the body (access log). */
    ProxyBody(long length, java.util.function.LongSupplier clock) {
        this.length = length;
        this.clock = clock;
    }

    void append(byte[] data, boolean last) {
        if (data.length > 0) {
            queue.add(data);
        }
        fin |= last;
    }

    void fail() {
        failed = true;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws java.io.IOException {
        if (failed) {
            throw new java.io.IOException("backend failed mid-response");
        }
        int n = 0;
        while (n < len && !queue.isEmpty()) {
            byte[] head = queue.peek();
            int k = Math.min(len - n, head.length - headOffset);
            System.arraycopy(head, headOffset, buf, off + n, k);
            n += k;
            headOffset += k;
            if (headOffset == head.length) {
                queue.poll();
                headOffset = 0;
            }
        }
        forwarded += n;
        if (n == 0 && fin) {
            if (endedAt == NOT_ENDED) {
                endedAt = clock.getAsLong();
            }
            return -1;
        }
        return n;
    }

    /** A new absolute limit for the backend once half a window was forwarded, else -1. */
    long grantDue() {
        if (!fin && forwarded + WINDOW - granted >= WINDOW / 2) {
            granted = forwarded + WINDOW;
            return granted;
        }
        return -1;
    }

    /** When the session took the end of the body (its FIN follows at once), or {@link #NOT_ENDED}. */
    long endedAt() {
        return endedAt;
    }

    long forwarded() {
        return forwarded;
    }
}
