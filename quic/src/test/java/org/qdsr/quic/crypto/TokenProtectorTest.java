package org.qdsr.quic.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenProtectorTest {
    private static byte[] key(int seed) {
        byte[] k = new byte[32];
        new SplittableRandom(seed).nextBytes(k);
        return k;
    }

    @Test
    void sealOpenRoundTripWithFreshNonces() {
        TokenProtector tp = new TokenProtector(key(1));
        SplittableRandom rnd = new SplittableRandom(42);
        byte[] plain = "retry|1234567|192.0.2.1|8394c8f03e515708".getBytes(StandardCharsets.US_ASCII);
        byte[] t1 = tp.seal(plain, rnd);
        byte[] t2 = tp.seal(plain, rnd);
        assertThat(t1).hasSize(plain.length + TokenProtector.OVERHEAD);
        assertThat(t1).isNotEqualTo(t2);
        assertThat(Arrays.copyOf(t1, 12)).isNotEqualTo(Arrays.copyOf(t2, 12));
        assertThat(tp.open(t1)).isEqualTo(plain);
        assertThat(tp.open(t2)).isEqualTo(plain);
        assertThat(tp.open(tp.seal(new byte[0], rnd))).isEmpty();
    }

    @Test
    void tamperedForeignOrShortTokensAreRejected() {
        TokenProtector tp = new TokenProtector(key(1));
        byte[] token = tp.seal(new byte[] {1, 2, 3, 4, 5}, new SplittableRandom(7));
        for (int i = 0; i < token.length; i++) {
            byte[] bad = token.clone();
            bad[i] ^= 1;
            assertThat(tp.open(bad)).as("flip at %d", i).isNull();
        }
        for (int len = 0; len < token.length; len++) {
            assertThat(tp.open(Arrays.copyOf(token, len))).isNull();
        }
        assertThat(new TokenProtector(key(2)).open(token)).isNull();
        assertThat(tp.open(null)).isNull();
        assertThat(tp.open(token)).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void repeatedNonceFromTheGeneratorIsRetried() {
        TokenProtector tp = new TokenProtector(key(3));
        byte[] a = tp.seal(new byte[] {9}, new SplittableRandom(5));
        // Same seed: the first nonce repeats the previous one; seal must draw another.
        byte[] b = tp.seal(new byte[] {9}, new SplittableRandom(5));
        assertThat(Arrays.copyOf(a, 12)).isNotEqualTo(Arrays.copyOf(b, 12));
        assertThat(tp.open(b)).containsExactly(9);
    }
}
