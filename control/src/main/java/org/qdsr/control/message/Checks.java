package org.qdsr.control.message;

import java.util.Objects;
import org.qdsr.quic.wire.VarInt;

/** Constructor checks shared by the message records (IllegalArgumentException on violation). */
final class Checks {
    /** Longest string field in bytes (names, header values, error messages). */
    static final int MAX_STRING_BYTES = 64 * 1024;

    private Checks() {
    }

    /** A field carried as a QUIC varint: 0..2^62-1. */
    static long varint(long v, String field) {
        if (v < 0 || v > VarInt.MAX) {
            throw new IllegalArgumentException(field + " out of varint range: " + v);
        }
        return v;
    }

    static int nonNegative(int v, String field) {
        if (v < 0) {
            throw new IllegalArgumentException(field + " negative: " + v);
        }
        return v;
    }

    static String string(String s, String field) {
        Objects.requireNonNull(s, field);
        if (s.length() > MAX_STRING_BYTES) {
            throw new IllegalArgumentException(field + " too long");
        }
        return s;
    }

    static byte[] copy(byte[] b, String field) {
        return Objects.requireNonNull(b, field).clone();
    }
}
