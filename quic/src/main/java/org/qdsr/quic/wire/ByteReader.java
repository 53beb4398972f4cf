package org.qdsr.quic.wire;

/** A bounds-checked cursor over a slice of a byte array, reading network byte order. */
public final class ByteReader {
    private final byte[] buf;
    private int pos;
    private final int limit;

    public ByteReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public ByteReader(byte[] buf, int off, int len) {
        if (off < 0 || len < 0 || off + len > buf.length) {
            throw new IllegalArgumentException("slice out of range");
        }
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
        if (newPos < 0 || newPos > limit) {
            throw new TruncatedInputException("position");
        }
        pos = newPos;
    }

    public int limit() {
        return limit;
    }

    public int remaining() {
        return limit - pos;
    }

    public boolean hasRemaining() {
        return pos < limit;
    }

    private void need(int n, String what) {
        if (n < 0 || limit - pos < n) {
            throw new TruncatedInputException(what);
        }
    }

    public int readUint8() {
        need(1, "uint8");
        return buf[pos++] & 0xff;
    }

    public int peekUint8() {
        need(1, "uint8");
        return buf[pos] & 0xff;
    }

    public int readUint16() {
        need(2, "uint16");
        int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    public int readUint24() {
        need(3, "uint24");
        int v = ((buf[pos] & 0xff) << 16) | ((buf[pos + 1] & 0xff) << 8) | (buf[pos + 2] & 0xff);
        pos += 3;
        return v;
    }

    public long readUint32() {
        need(4, "uint32");
        long v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | (buf[pos + i] & 0xff);
        }
        pos += 4;
        return v;
    }

    public long readUint64() {
        need(8, "uint64");
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[pos + i] & 0xff);
        }
        pos += 8;
        return v;
    }

    /** Reads a QUIC variable-length integer (RFC 9000 §16). */
    public long readVarInt() {
        need(1, "varint");
        int len = VarInt.lengthOf(buf[pos]);
        need(len, "varint");
        long v = VarInt.decode(buf, pos);
        pos += len;
        return v;
    }

    /** Reads a varint that must fit in an int (lengths, counts); larger values count as truncation. */
    public int readVarIntAsLength() {
        long v = readVarInt();
        if (v > Integer.MAX_VALUE) {
            throw new TruncatedInputException("length " + v);
        }
        return (int) v;
    }

    public byte[] readBytes(int n) {
        need(n, "bytes");
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    public void skip(int n) {
        need(n, "skip");
        pos += n;
    }
}
