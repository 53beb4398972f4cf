package org.qdsr.quic.wire;

import java.util.Arrays;

/** NEW_TOKEN (RFC 9000 §19.7); the token must not be empty. */
public record NewTokenFrame(byte[] token) implements Frame {
    public static final long TYPE = 0x07;

    public NewTokenFrame {
        if (token.length == 0) {
            throw new IllegalArgumentException("empty token");
        }
    }

    @Override
    public long type() {
        return TYPE;
    }

    @Override
    public void write(ByteWriter w) {
        w.writeVarInt(TYPE).writeVarInt(token.length).writeBytes(token);
    }

    @Override
    public int encodedLength() {
        return 1 + VarInt.size(token.length) + token.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NewTokenFrame f && Arrays.equals(f.token, token);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(token);
    }

    @Override
    public String toString() {
        return "NewTokenFrame[length=" + token.length + "]";
    }
}
