package org.qdsr.quic.wire;

import java.util.Arrays;
import java.util.HexFormat;

/** PATH_CHALLENGE (RFC 9000 §19.17): 8 bytes of data. */
public record PathChallengeFrame(byte[] data) implements Frame {
    public static final long TYPE = 0x1a;
    public static final int DATA_LENGTH = 8;

    public PathChallengeFrame {
        if (data.length != DATA_LENGTH) {
            throw new IllegalArgumentException("path challenge data length " + data.length);
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
        return o instanceof PathChallengeFrame f && Arrays.equals(f.data, data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "PathChallengeFrame[" + HexFormat.of().formatHex(data) + "]";
    }
}
