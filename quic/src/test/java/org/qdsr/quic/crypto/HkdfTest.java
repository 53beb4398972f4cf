package org.qdsr.quic.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.qdsr.quic.crypto.Rfc9001Vectors.hex;

import org.junit.jupiter.api.Test;

class HkdfTest {
    /** RFC 5869 Appendix A.1 (SHA-256, basic test case). */
    @Test
    void rfc5869TestCase1() {
        byte[] ikm = hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        byte[] prk = Hkdf.extract("HmacSHA256", hex("000102030405060708090a0b0c"), ikm);
        assertThat(hex(prk)).isEqualTo("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
        byte[] okm = Hkdf.expand("HmacSHA256", prk, hex("f0f1f2f3f4f5f6f7f8f9"), 42);
        assertThat(hex(okm)).isEqualTo(
                "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
    }

    /** RFC 5869 Appendix A.3: empty salt means a hash-length block of zeros. */
    @Test
    void rfc5869TestCase3EmptySalt() {
        byte[] ikm = hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        byte[] prk = Hkdf.extract("HmacSHA256", new byte[0], ikm);
        assertThat(hex(prk)).isEqualTo("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
        assertThat(hex(Hkdf.expand("HmacSHA256", prk, new byte[0], 42))).isEqualTo(
                "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
    }

    @Test
    void sha384SecretsHaveHashLength() {
        byte[] secret = Hkdf.expandLabel(CipherSuite.TLS_AES_256_GCM_SHA384, new byte[48], "quic ku", 48);
        assertThat(secret).hasSize(48);
        assertThat(Hkdf.expandLabel(CipherSuite.TLS_AES_256_GCM_SHA384, new byte[48], "quic key", 32)).hasSize(32);
    }
}
