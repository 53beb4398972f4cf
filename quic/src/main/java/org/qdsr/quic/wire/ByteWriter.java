package org.qdsr.quic.wire;

/**
 * A cursor writing network byte order into a caller-supplied array (no allocation on the hot
 * path). Writing past the limit throws {@link IndexOutOfBoundsException}: callers size first.
 */
public final class ByteWriter {
    private final byte[] buf;
    private int pos;
    private final int limit;

    public ByteWriter(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public ByteWriter(byte[] buf, int off, int len) {
        this.buf = buf;
        this.pos = off;
        this.limit = off + len;
    }

    public byte[] array() {
        return buf;
    }

    public int position() {
        return pos;
    }

    public void position(int newPos) {
        pos = newPos;
    }

    public int remaining() {
        return limit - pos;
    }

    private void need(int n) {
        if (limit - pos < n) {
            throw new IndexOutOfBoundsException("need " + n + " bytes, have " + (limit - pos));
        }
    }

    public ByteWriter writeUint8(int v) {
        need(1);
        buf[pos++] = (byte) v;
        return this;
    }

    public ByteWriter writeUint16(int v) {
        need(2);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    public ByteWriter writeUint24(int v) {
        need(3);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    public ByteWriter writeUint32(long v) {
        need(4);
        for (int i = 3; i >= 0; i--) {
            buf[pos++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    public ByteWriter writeUint64(long v) {
        need(8);
        for (int i = 7; i >= 0; i--) {
            buf[pos++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    public ByteWriter writeVarInt(long v) {
        need(VarInt.size(v));
        pos = VarInt.encode(v, buf, pos);
        return this;
    }

    public ByteWriter writeVarInt(long v, int length) {
        need(length);
        pos = VarInt.encode(v, length, buf, pos);
        return this;
    }

    public ByteWriter writeBytes(byte[] src) {
        return writeBytes(src, 0, src.length);
    }

    public ByteWriter writeBytes(byte[] src, int off, int len) {
        need(len);
        System.arraycopy(src, off, buf, pos, len);
        pos += len;
        return this;
    }
}
