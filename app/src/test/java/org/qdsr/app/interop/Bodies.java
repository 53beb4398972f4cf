package org.qdsr.app.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

/** Byte-for-byte body comparison that names the first differing offset instead of printing megabytes. */
final class Bodies {
    private Bodies() {
    }

    static void assertSameBytes(String what, byte[] got, byte[] want) {
        int at = Arrays.mismatch(got, want);
        assertThat(at).as("%s: first differing byte (got %d bytes, want %d; -1 = identical)", what, got.length,
                want.length).isEqualTo(-1);
    }
}
