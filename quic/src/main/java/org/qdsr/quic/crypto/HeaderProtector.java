package org.qdsr.quic.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Header protection (RFC 9001 §5.4): masks the low bits of the first byte and the packet number
 * with 5 bytes derived from a 16-byte sample of the ciphertext taken at pnOffset + 4.
 * One instance per key and direction; not thread-safe (it reuses a mask buffer).
 */
public abstract sealed class HeaderProtector permits HeaderProtector.Aes, HeaderProtector.ChaCha20 {
    /** Sample length (RFC 9001 §5.4.2). */
    public static final int SAMPLE_LENGTH = 16;

    final byte[] mask = new byte[SAMPLE_LENGTH];
    private final byte[] key;

    private HeaderProtector(byte[] key) {
        this.key = key.clone();
    }

    /** The header protection algorithm of {@code suite} keyed with {@code hpKey} ("quic hp"). */
    public static HeaderProtector create(CipherSuite suite, byte[] hpKey) {
        if (hpKey.length != suite.keyLength()) {
            throw new IllegalArgumentException("hp key length " + hpKey.length + " for " + suite);
        }
        return suite == CipherSuite.TLS_CHACHA20_POLY1305_SHA256 ? new ChaCha20(hpKey) : new Aes(hpKey);
    }

    /** A copy of the header protection key. */
    public byte[] key() {
        return key.clone();
    }

    /** Fills at least {@link #mask}[0..5) from the 16 sample bytes at {@code off}. */
    abstract void computeMask(byte[] sample, int off);

    /**
     * Applies protection in place (RFC 9001 §5.4.1). The ciphertext must already be in place and
     * extend at least to pnOffset + 4 + 16.
     */
    public void protect(byte[] packet, int start, int pnOffset, int pnLength) {
        computeMask(packet, pnOffset + 4);
        applyMask(packet, start, pnOffset, pnLength);
    }

    /**
     * Removes protection in place. Returns the packet number length (1..4), or -1 when the packet
     * ends before the sample does (RFC 9001 §5.4.2) or the offsets are inconsistent.
     */
    public int unprotect(byte[] packet, int start, int pnOffset, int packetEnd) {
        int sampleOffset = pnOffset + 4;
        if (start < 0 || pnOffset <= start || packetEnd > packet.length
                || sampleOffset > packetEnd - SAMPLE_LENGTH) {
            return -1;
        }
        computeMask(packet, sampleOffset);
        packet[start] ^= (byte) (mask[0] & firstByteBits(packet[start]));
        int pnLength = (packet[start] & 0x03) + 1;
        for (int i = 0; i < pnLength; i++) {
            packet[pnOffset + i] ^= mask[1 + i];
        }
        return pnLength;
    }

    private void applyMask(byte[] packet, int start, int pnOffset, int pnLength) {
        packet[start] ^= (byte) (mask[0] & firstByteBits(packet[start]));
        for (int i = 0; i < pnLength; i++) {
            packet[pnOffset + i] ^= mask[1 + i];
        }
    }

    /** Long headers protect the low 4 bits of the first byte, short headers the low 5. */
    private static int firstByteBits(byte first) {
        return (first & 0x80) != 0 ? 0x0f : 0x1f;
    }

    /** AES-based header protection (RFC 9001 §5.4.3): mask = AES-ECB(hp_key, sample). */
    static final class Aes extends HeaderProtector {
        private final Cipher ecb;

        Aes(byte[] key) {
            super(key);
            try {
                ecb = Cipher.getInstance("AES/ECB/NoPadding");
                ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("JCE lacks AES/ECB", e);
            }
        }

        @Override
        void computeMask(byte[] sample, int off) {
            try {
                ecb.update(sample, off, SAMPLE_LENGTH, mask, 0);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * ChaCha20-based header protection (RFC 9001 §5.4.4): counter = sample[0..4) little-endian,
     * nonce = sample[4..16), mask = first 5 bytes of ChaCha20(hp_key, counter, nonce, zeros)
     * — one block of the RFC 8439 §2.3 block function, computed here without JCE.
     */
    static final class ChaCha20 extends HeaderProtector {
        private final int[] keyWords = new int[8];
        private final int[] x = new int[16];

        ChaCha20(byte[] key) {
            super(key);
            for (int i = 0; i < 8; i++) {
                keyWords[i] = littleEndian(key, 4 * i);
            }
        }

        @Override
        void computeMask(byte[] sample, int off) {
            int[] s = x;
            s[0] = 0x61707865;
            s[1] = 0x3320646e;
            s[2] = 0x79622d32;
            s[3] = 0x6b206574;
            System.arraycopy(keyWords, 0, s, 4, 8);
            for (int i = 0; i < 4; i++) {
                s[12 + i] = littleEndian(sample, off + 4 * i);
            }
            int s0 = s[0];
            int s1 = s[1];
            for (int round = 0; round < 10; round++) {
                quarterRound(s, 0, 4, 8, 12);
                quarterRound(s, 1, 5, 9, 13);
                quarterRound(s, 2, 6, 10, 14);
                quarterRound(s, 3, 7, 11, 15);
                quarterRound(s, 0, 5, 10, 15);
                quarterRound(s, 1, 6, 11, 12);
                quarterRound(s, 2, 7, 8, 13);
                quarterRound(s, 3, 4, 9, 14);
            }
            putLittleEndian(s[0] + s0, mask, 0);
            putLittleEndian(s[1] + s1, mask, 4);
        }

        /** The ChaCha quarter round (RFC 8439 §2.1). */
        private static void quarterRound(int[] s, int a, int b, int c, int d) {
            s[a] += s[b];
            s[d] = Integer.rotateLeft(s[d] ^ s[a], 16);
            s[c] += s[d];
            s[b] = Integer.rotateLeft(s[b] ^ s[c], 12);
            s[a] += s[b];
            s[d] = Integer.rotateLeft(s[d] ^ s[a], 8);
            s[c] += s[d];
            s[b] = Integer.rotateLeft(s[b] ^ s[c], 7);
        }

        private static int littleEndian(byte[] b, int off) {
            return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
        }

        private static void putLittleEndian(int v, byte[] b, int off) {
            b[off] = (byte) v;
            b[off + 1] = (byte) (v >>> 8);
            b[off + 2] = (byte) (v >>> 16);
            b[off + 3] = (byte) (v >>> 24);
        }
    }
}
