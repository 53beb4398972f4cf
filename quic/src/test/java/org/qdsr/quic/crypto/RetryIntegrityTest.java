package org.qdsr.quic.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.qdsr.quic.crypto.Rfc9001Vectors.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.wire.ConnectionId;

class RetryIntegrityTest {
    private static final ConnectionId ODCID = ConnectionId.of(hex(DCID));

    @Test
    void a4RetryTagMatchesRfc() {
        byte[] retry = hex(RETRY);
        int withoutTag = retry.length - 16;
        byte[] pseudo = new byte[1 + 8 + withoutTag];
        pseudo[0] = 8;
        System.arraycopy(hex(DCID), 0, pseudo, 1, 8);
        System.arraycopy(retry, 0, pseudo, 9, withoutTag);

        assertThat(hex(RetryIntegrity.tag(pseudo))).isEqualTo("04a265ba2eff4d829058fb3f0f2496ba");
        assertThat(RetryIntegrity.pseudoPacket(ODCID, retry, 0, withoutTag)).isEqualTo(pseudo);
        assertThat(RetryIntegrity.verify(pseudo, retry, withoutTag)).isTrue();
        // A second computation must work too (JCE refuses GCM nonce reuse on a cached Cipher).
        assertThat(RetryIntegrity.verify(ODCID, retry, 0, retry.length)).isTrue();
    }

    @Test
    void rejectsWrongOdcidTamperingAndShortInput() {
        byte[] retry = hex(RETRY);
        assertThat(RetryIntegrity.verify(ConnectionId.of(hex("8394c8f03e515709")), retry, 0, retry.length)).isFalse();
        for (int i = 0; i < retry.length; i++) {
            byte[] bad = retry.clone();
            bad[i] ^= 0x40;
            assertThat(RetryIntegrity.verify(ODCID, bad, 0, bad.length)).as("flip at %d", i).isFalse();
        }
        for (int len = 0; len < retry.length; len++) {
            assertThat(RetryIntegrity.verify(ODCID, Arrays.copyOf(retry, len), 0, len)).isFalse();
        }
        assertThat(RetryIntegrity.verify(ODCID, retry, 5, retry.length)).isFalse();
        assertThat(RetryIntegrity.verify(new byte[3], retry, 0)).isFalse();
    }
}
