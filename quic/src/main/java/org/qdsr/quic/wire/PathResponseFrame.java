package org.qdsr.quic.wire;

import java.util.Arrays;
import java.util.HexFormat;

/** PATH_RESPONSE (RFC 9000 §19.18): 8 bytes of data. */
public record PathResponseFrame(byte[] data) implements Frame {
    public static final long TYPE = 0x1b;
    public static final int DATA_LENGTH = 8;

    public PathResponseFrame {
        if (data.length != DATA_LENGTH) {
            throw new IllegalArgumentException("path response data length " + data.length);
        }
    }

    @Override
    public long type() {
        return TYPE;
    }

    @Override
    public boolean probing() {
        return true;
    }

    @Override
    public void write(ByteWriter w) {
        w.writeVarInt(TYPE).writeBytes(data);
    }

    @Override
    public int encodedLength() {
        return 1 + DATA_LENGTH;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PathResponseFrame f && Arrays.equals(f.data, data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "PathResponseFrame[" + HexFormat.of().formatHex(data) + "]";
    }
}
