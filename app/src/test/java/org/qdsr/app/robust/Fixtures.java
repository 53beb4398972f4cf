package org.qdsr.app.robust;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small shared helpers for the robustness tests. */
final class Fixtures {
    static final String ALPN = "qdsr-echo";
    static final long SECOND = 1_000_000_000L;

    private Fixtures() {
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** {@code count} payloads of {@code size} bytes each, different seeds. */
    static List<byte[]> payloads(int count, int size, long seed) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(randomBytes(size, seed + i));
        }
        return out;
    }
}
