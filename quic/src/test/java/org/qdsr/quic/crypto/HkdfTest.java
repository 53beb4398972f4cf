package org.qdsr.quic.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.qdsr.quic.crypto.Rfc9001Vectors.hex;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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

    /** RFC 5869 Appendix A.2: a long PRK, info and a 82-byte output (three HMAC blocks). */
    @Test
    void rfc5869TestCase2MultiBlock() {
        byte[] prk = hex("06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244");
        StringBuilder info = new StringBuilder();
        for (int i = 0xb0; i <= 0xff; i++) {
            info.append(String.format("%02x", i));
        }
        assertThat(hex(Hkdf.expand("HmacSHA256", prk, hex(info.toString()), 82))).isEqualTo(
                "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09"
                        + "da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87");
    }

    /**
     * The per-thread Mac cache: several threads interleaving both HMAC algorithms, empty and
     * non-empty keys, get exactly what a fresh Mac computes.
     */
    @Test
    void cachedMacsGiveFreshMacResultsOnManyThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                results.add(pool.submit(() -> checkMany(seed)));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static int checkMany(int seed) throws Exception {
        java.util.Random r = new java.util.Random(seed);
        int checked = 0;
        for (int i = 0; i < 200; i++) {
            CipherSuite suite = CipherSuite.values()[r.nextInt(3)];
            byte[] secret = new byte[i % 7 == 0 ? 0 : suite.hashLength()];
            r.nextBytes(secret);
            int length = 1 + r.nextInt(3 * suite.hashLength());
            byte[] info = Hkdf.hkdfLabel("quic test", new byte[0], length);
            assertThat(Hkdf.expand(suite.hmacAlgorithm(), secret, info, length))
                    .isEqualTo(referenceExpand(suite.hmacAlgorithm(), secret, info, length));
            checked++;
        }
        return checked;
    }

    /** RFC 5869 §2.3 with a new Mac per block, as the reference. */
    private static byte[] referenceExpand(String alg, byte[] prk, byte[] info, int length) throws Exception {
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        for (int i = 1, done = 0; done < length; i++) {
            Mac mac = Mac.getInstance(alg);
            mac.init(new SecretKeySpec(prk.length == 0 ? new byte[1] : prk, alg));
            mac.update(t);
            mac.update(info);
            mac.update((byte) i);
            t = mac.doFinal();
            int n = Math.min(t.length, length - done);
            System.arraycopy(t, 0, out, done, n);
            done += n;
        }
        return out;
    }
}
