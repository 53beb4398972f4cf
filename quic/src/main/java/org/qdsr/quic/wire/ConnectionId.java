package org.qdsr.quic.wire;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/** A connection ID (RFC 9000 §5.1): 0 to 20 opaque bytes, compared by content. */
public final class ConnectionId {
    public static final int MAX_LENGTH = 20;
    public static final ConnectionId EMPTY = new ConnectionId(new byte[0]);

    private final byte[] bytes;
    private final int hash;

    private ConnectionId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** Copies {@code len} bytes at {@code off}. */
    public static ConnectionId of(byte[] src, int off, int len) {
        if (len < 0 || len > MAX_LENGTH) {
            throw new IllegalArgumentException("connection ID length " + len);
        }
        return new ConnectionId(Arrays.copyOfRange(src, off, off + len));
    }

    public static ConnectionId of(byte[] src) {
        return of(src, 0, src.length);
    }

    public static ConnectionId random(RandomGenerator random, int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return new ConnectionId(b);
    }

    public int length() {
        return bytes.length;
    }

    /** A copy of the bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    public void copyTo(byte[] dst, int off) {
        System.arraycopy(bytes, 0, dst, off, bytes.length);
    }

    /** True when the {@code len} bytes at {@code off} equal this ID. */
    public boolean matches(byte[] src, int off, int len) {
        return len == bytes.length && Arrays.equals(bytes, 0, len, src, off, off + len);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConnectionId c && hash == c.hash && Arrays.equals(bytes, c.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
