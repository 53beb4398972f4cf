package org.qdsr.control.message;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.quic.wire.VarInt;

/** A growable byte array with the field writers the message bodies use (network byte order). */
final class FrameBuffer {
    private byte[] buf;
    private int size;

    FrameBuffer(int initialCapacity) {
        buf = new byte[Math.max(64, initialCapacity)];
    }

    byte[] array() {
        return buf;
    }

    int size() {
        return size;
    }

    void size(int newSize) {
        size = newSize;
    }

    void ensure(int extra) {
        if (buf.length - size < extra) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }

    void varint(long v) {
        ensure(8);
        size = VarInt.encode(v, buf, size);
    }

    void u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
    }

    void u64(long v) {
        ensure(8);
        for (int i = 7; i >= 0; i--) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
    }

    void bytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    /** Length-prefixed bytes. */
    void lengthPrefixed(byte[] b) {
        varint(b.length);
        bytes(b, 0, b.length);
    }

    /** Length-prefixed connection ID bytes, copied straight in. */
    void lengthPrefixed(ConnectionId id) {
        varint(id.length());
        ensure(id.length());
        id.copyTo(buf, size);
        size += id.length();
    }

    /** Length-prefixed UTF-8. */
    void string(String s) {
        lengthPrefixed(s.getBytes(StandardCharsets.UTF_8));
    }
}
