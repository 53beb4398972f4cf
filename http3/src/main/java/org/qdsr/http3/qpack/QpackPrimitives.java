package org.qdsr.http3.qpack;

import java.nio.charset.StandardCharsets;
import org.qdsr.quic.wire.ByteReader;
import org.qdsr.quic.wire.ByteWriter;
import org.qdsr.quic.wire.TruncatedInputException;

/**
 * Prefixed integers (RFC 7541 §5.1, as used by RFC 9204 §4.1.1) and string literals with an H bit
 * (RFC 9204 §4.1.2). Readers throw {@link TruncatedInputException} on short input; callers map it.
 */
final class QpackPrimitives {
    /** Largest integer we accept: lengths and indices never need more. */
    static final long MAX_INT = (1L << 62) - 1;

    private QpackPrimitives() {
    }

    /** Octets the prefixed integer {@code value} takes with an {@code n}-bit prefix. */
    static int intLength(long value, int n) {
        long max = (1L << n) - 1;
        if (value < max) {
            return 1;
        }
        int len = 2;
        for (long rest = value - max; rest >= 128; rest >>>= 7) {
            len++;
        }
        return len;
    }

    /** Writes {@code value} with an {@code n}-bit prefix; {@code flags} fills the bits above it. */
    static void writeInt(ByteWriter w, int flags, long value, int n) {
        long max = (1L << n) - 1;
        if (value < max) {
            w.writeUint8(flags | (int) value);
            return;
        }
        w.writeUint8(flags | (int) max);
        long rest = value - max;
        while (rest >= 128) {
            w.writeUint8((int) (rest & 0x7f) | 0x80);
            rest >>>= 7;
        }
        w.writeUint8((int) rest);
    }

    /** Reads an {@code n}-bit prefixed integer whose first octet is {@code first} (already read). */
    static long readInt(int first, int n, ByteReader r) throws QpackException {
        long max = (1L << n) - 1;
        long value = first & max;
        if (value < max) {
            return value;
        }
        int shift = 0;
        int b;
        do {
            b = r.readUint8();
            if (shift > 56 || (shift == 56 && (b & 0x7f) > 0x3f)) {
                throw QpackException.decompression("prefixed integer too large");
            }
            value += (long) (b & 0x7f) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        if (value > MAX_INT) {
            throw QpackException.decompression("prefixed integer too large");
        }
        return value;
    }

    /** Size of a string literal with the H bit at position {@code n} (length prefix n bits). */
    static int stringLength(byte[] s, int n) {
        int huff = Huffman.encodedLength(s);
        int len = Math.min(huff, s.length);
        return intLength(len, n) + len;
    }

    /**
     * Writes a string literal: H bit at {@code 1 << n}, length with an n-bit prefix, then the
     * octets, Huffman-coded when that is strictly shorter.
     */
    static void writeString(ByteWriter w, int flags, byte[] s, int n) {
        int huff = Huffman.encodedLength(s);
        if (huff < s.length) {
            writeInt(w, flags | (1 << n), huff, n);
            Huffman.encode(s, w);
        } else {
            writeInt(w, flags, s.length, n);
            w.writeBytes(s);
        }
    }

    /** Reads a string literal whose first octet (with the H bit at {@code 1 << n}) is {@code first}. */
    static String readString(int first, int n, ByteReader r) throws QpackException {
        long len = readInt(first, n, r);
        if (len > r.remaining()) {
            throw new TruncatedInputException("string literal");
        }
        int off = r.position();
        r.skip((int) len);
        byte[] bytes = (first & (1 << n)) != 0
                ? Huffman.decode(r.array(), off, (int) len)
                : java.util.Arrays.copyOfRange(r.array(), off, off + (int) len);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** The octets of an ISO-8859-1 string; chars above 0xff are a caller bug. */
    static byte[] octets(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xff) {
                throw new IllegalArgumentException("field text must be octets (ISO-8859-1 chars), see Field.utf8");
            }
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
