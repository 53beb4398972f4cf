package org.qdsr.quic.wire;

import java.util.Arrays;
import java.util.Objects;

/** CRYPTO (RFC 9000 §19.6). {@code offset + data.length} must not exceed 2^62-1. */
public record CryptoFrame(long offset, byte[] data) implements Frame {
    public static final long TYPE = 0x06;

    public CryptoFrame {
        if (offset < 0 || offset > VarInt.MAX - data.length) {
            throw new IllegalArgumentException("crypto offset " + offset + " + " + data.length);
        }
    }

    @Override
    public long type() {
        return TYPE;
    }

    @Override
    public void write(ByteWriter w) {
        FrameCodec.writeCryptoFrameHeader(w, offset, data.length);
        w.writeBytes(data);
    }

    @Override
    public int encodedLength() {
        return FrameCodec.cryptoFrameHeaderLength(offset, data.length) + data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CryptoFrame f && f.offset == offset && Arrays.equals(f.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(offset, data.length);
    }

    @Override
    public String toString() {
        return "CryptoFrame[offset=" + offset + ", length=" + data.length + "]";
    }
}
