package org.qdsr.http3.session;

import java.util.ArrayDeque;
import org.qdsr.quic.connection.QuicConnection;

/**
 * Bytes waiting to enter one QUIC stream's send buffer. Segments are kept by reference (no copy),
 * so a caller must not change an array until the queue has drained past it.
 */
final class WriteQueue {
    private static final class Segment {
        final byte[] buf;
        int off;
        int len;

        Segment(byte[] buf, int off, int len) {
            this.buf = buf;
            this.off = off;
            this.len = len;
        }
    }

    private final ArrayDeque<Segment> segments = new ArrayDeque<>();

    void add(byte[] b) {
        add(b, 0, b.length);
    }

    void add(byte[] b, int off, int len) {
        if (len > 0) {
            segments.add(new Segment(b, off, len));
        }
    }

    boolean isEmpty() {
        return segments.isEmpty();
    }

    /** Writes what the stream accepts; returns the bytes written (the rest waits for StreamWritable). */
    long flush(QuicConnection c, long streamId) {
        long total = 0;
        Segment s;
        while ((s = segments.peek()) != null) {
            int n = c.write(streamId, s.buf, s.off, s.len);
            total += n;
            s.off += n;
            s.len -= n;
            if (s.len > 0) {
                return total;
            }
            segments.poll();
        }
        return total;
    }
}
