package org.qdsr.http3.session;

import java.io.IOException;

/**
 * A response (or request) body pulled by a session whenever its stream has room. Reads must not
 * block for long: a file read is fine, waiting on the network is not (return 0 and call
 * {@link Http3ServerSession#resume} later, on the connection's thread).
 */
public interface BodySource extends AutoCloseable {
    /** Total length if known (sent as content-length), else -1. */
    long length();

    /** Copies up to {@code len} bytes; returns the count, 0 if none are ready yet, -1 at the end. */
    int read(byte[] buf, int off, int len) throws IOException;

    @Override
    default void close() throws IOException {
    }

    static BodySource empty() {
        return ofBytes(new byte[0]);
    }

    static BodySource ofBytes(byte[] data) {
        return new BodySource() {
            private int pos;

            @Override
            public long length() {
                return data.length;
            }

            @Override
            public int read(byte[] buf, int off, int len) {
                if (pos == data.length) {
                    return -1;
                }
                int n = Math.min(len, data.length - pos);
                System.arraycopy(data, pos, buf, off, n);
                pos += n;
                return n;
            }
        };
    }
}
