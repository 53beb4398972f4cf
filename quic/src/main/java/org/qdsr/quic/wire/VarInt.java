package org.qdsr.quic.wire;

/**
 * QUIC variable-length integers (RFC 9000 §16): the two most significant bits of the first byte
 * give the length (1, 2, 4 or 8 bytes), the remaining bits hold the value in network byte order.
 */
public final class VarInt {
    /** The largest value a variable-length integer can carry, 2^62 - 1. */
    public static final long MAX = (1L << 62) - 1;

    private VarInt() {
    }

    /**
     * Encoded length by the number of significant bits of the value (0 to 62): up to 6 bits take
     * 1 byte, 14 bits 2, 30 bits 4, else 8.
     */
    private static final byte[] SIZE_BY_BITS = new byte[63];

    static {
        for (int bits = 0; bits < SIZE_BY_BITS.length; bits++) {
            SIZE_BY_BITS[bits] = (byte) (bits <= 6 ? 1 : bits <= 14 ? 2 : bits <= 30 ? 4 : 8);
        }
    }

    /**
     * Number of bytes the minimal encoding of {@code value} takes. A table lookup, not a chain of
     * comparisons: a compiled caller that never saw a large value would otherwise be deoptimized
     * (and recompiled) the first time a connection's offsets or limits pass 16 KiB or 1 GiB.
     */
    public static int size(long value) {
        if (value < 0 || value > MAX) {
            throw new IllegalArgumentException("not a varint: " + value);
        }
        return SIZE_BY_BITS[64 - Long.numberOfLeadingZeros(value)];
    }

    /** Length in bytes announced by the first byte of an encoded varint. */
    public static int lengthOf(byte first) {
        return 1 << ((first & 0xff) >>> 6);
    }

    /** Writes {@code value} minimally at {@code off}; returns the offset after it. */
    public static int encode(long value, byte[] dst, int off) {
        return encode(value, size(value), dst, off);
    }

    /** Writes {@code value} using exactly {@code length} bytes (1, 2, 4 or 8); returns the offset after it. */
    public static int encode(long value, int length, byte[] dst, int off) {
        if (value < 0 || size(value) > length) {
            throw new IllegalArgumentException(value + " does not fit in " + length + " bytes");
        }
        int prefix = switch (length) {
            case 1 -> 0x00;
            case 2 -> 0x40;
            case 4 -> 0x80;
            case 8 -> 0xc0;
            default -> throw new IllegalArgumentException("bad varint length " + length);
        };
        for (int i = length - 1; i >= 0; i--) {
            dst[off + i] = (byte) value;
            value >>>= 8;
        }
        dst[off] |= (byte) prefix;
        return off + length;
    }

    /**
     * Reads a varint at {@code off}. The caller checks that {@code lengthOf(src[off])} bytes are
     * available, or uses {@link ByteReader#readVarInt()} which does.
     */
    public static long decode(byte[] src, int off) {
        int length = lengthOf(src[off]);
        long value = src[off] & 0x3f;
        for (int i = 1; i < length; i++) {
            value = (value << 8) | (src[off + i] & 0xff);
        }
        return value;
    }
}
