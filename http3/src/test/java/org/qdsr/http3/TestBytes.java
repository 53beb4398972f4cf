package org.qdsr.http3;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/** Test helpers for hex and concatenation. */
public final class TestBytes {
    private TestBytes() {
    }

    public static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    public static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
