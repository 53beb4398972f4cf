package org.qdsr.quic.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * STREAM (RFC 9000 §19.8, 0x08..0x0f). Always written with the LEN bit, and with the OFF bit when
 * {@code offset > 0}. {@code offset + data.length} must not exceed 2^62-1.
 */
public record StreamFrame(long streamId, long offset, byte[] data, boolean fin) implements Frame {
    public static final long TYPE_BASE = 0x08;
    public static final int OFF_BIT = 0x04;
    public static final int LEN_BIT = 0x02;
    public static final int FIN_BIT = 0x01;

    public StreamFrame {
        VarInt.size(streamId);
        if (offset < 0 || offset > VarInt.MAX - data.length) {
            throw new IllegalArgumentException("stream offset " + offset + " + " + data.length);
        }
    }

    @Override
    public long type() {
        return TYPE_BASE | (offset > 0 ? OFF_BIT : 0) | LEN_BIT | (fin ? FIN_BIT : 0);
    }

    @Override
    public void write(ByteWriter w) {
        FrameCodec.writeStreamFrameHeader(w, streamId, offset, data.length, fin);
        w.writeBytes(data);
    }

    @Override
    public int encodedLength() {
        return FrameCodec.streamFrameHeaderLength(streamId, offset, data.length) + data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamFrame f && f.streamId == streamId && f.offset == offset
                && f.fin == fin && Arrays.equals(f.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(streamId, offset, fin, data.length);
    }

    @Override
    public String toString() {
        return "StreamFrame[id=" + streamId + ", offset=" + offset + ", length=" + data.length
                + ", fin=" + fin + "]";
    }
}
