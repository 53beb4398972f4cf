package org.qdsr.quic.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.crypto.CipherSuite;
import org.qdsr.quic.crypto.PacketProtection;
import org.qdsr.quic.path.ConnectionSnapshot;

class OneRttKeysTest {
    /** The cached write hp key is the "quic hp" of the generation-0 secret, before and after key updates. */
    @Test
    void writeHeaderProtectionKeySurvivesKeyUpdates() {
        for (CipherSuite suite : CipherSuite.values()) {
            byte[] readSecret = new byte[suite.hashLength()];
            byte[] writeSecret = new byte[suite.hashLength()];
            Random r = new Random(suite.ordinal());
            r.nextBytes(readSecret);
            r.nextBytes(writeSecret);
            OneRttKeys keys = new OneRttKeys(PacketProtection.fromSecret(suite, readSecret),
                    PacketProtection.fromSecret(suite, writeSecret));
            byte[] expected = ConnectionSnapshot.headerProtectionKeyFor(suite, writeSecret);
            assertThat(keys.writeHeaderProtectionKey()).isEqualTo(expected);

            keys.initiate();
            keys.initiate();
            assertThat(keys.writeGeneration()).isEqualTo(2);
            assertThat(keys.write().secret()).isNotEqualTo(writeSecret);
            assertThat(keys.writeHeaderProtectionKey()).isEqualTo(expected);
            assertThat(keys.write().headerProtectionKey()).isEqualTo(expected);
            assertThat(keys.writeHeaderProtectionKey())
                    .isNotEqualTo(ConnectionSnapshot.headerProtectionKeyFor(suite, keys.write().secret()));
        }
    }
}
