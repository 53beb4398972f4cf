package org.qdsr.quic.wire;

/** One or more PADDING bytes (RFC 9000 §19.1); consecutive padding is parsed as one frame. */
public record PaddingFrame(int length) implements Frame {
    public static final long TYPE = 0x00;

    public PaddingFrame {
        if (length < 1) {
            throw new IllegalArgumentException("padding length " + length);
        }
    }

    @Override
    public long type() {
        return TYPE;
    }

    @Override
    public boolean ackEliciting() {
        return false;
    }

    @Override
    public boolean probing() {
        return true;
    }

    @Override
    public void write(ByteWriter w) {
        for (int i = 0; i < length; i++) {
            w.writeUint8(0);
        }
    }

    @Override
    public int encodedLength() {
        return length;
    }
}
