package org.qdsr.quic.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AEAD of one packet protection key and direction (RFC 9001 §5.3): AES-128/256-GCM or
 * ChaCha20-Poly1305 with a 16-byte tag. Holds one cached {@link Cipher}, re-initialised per packet
 * with nonce = IV xor packet number; works in place on heap arrays. Not thread-safe.
 */
public final class PacketAead {
    /** AEAD tag length of every QUIC v1 cipher suite. */
    public static final int TAG_LENGTH = 16;
    /** IV (and nonce) length of every QUIC v1 cipher suite. */
    public static final int IV_LENGTH = 12;
    private static final long PN_MASK = (1L << 62) - 1;

    private final CipherSuite suite;
    private final SecretKeySpec key;
    private final byte[] iv;
    private final byte[] nonce = new byte[IV_LENGTH];
    private final Cipher cipher;

    private PacketAead(CipherSuite suite, byte[] key, byte[] iv) {
        if (key.length != suite.keyLength() || iv.length != IV_LENGTH) {
            throw new IllegalArgumentException("key/iv length for " + suite);
        }
        this.suite = suite;
        this.key = new SecretKeySpec(key, isChaCha(suite) ? "ChaCha20" : "AES");
        this.iv = iv.clone();
        try {
            this.cipher = Cipher.getInstance(isChaCha(suite) ? "ChaCha20-Poly1305" : "AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE lacks the AEAD of " + suite, e);
        }
    }

    /** An AEAD for {@code suite} with the given "quic key" and "quic iv". */
    public static PacketAead create(CipherSuite suite, byte[] key, byte[] iv) {
        return new PacketAead(suite, key, iv);
    }

    /**
     * The per-packet nonce (RFC 9001 §5.3; multipath draft-21 §2.4 for {@code pathId} != 0):
     * IV xor (pathId as 32 bits ‖ 2 zero bits ‖ 62-bit packet number). With pathId 0 this is the
     * RFC 9001 nonce, the packet number left-padded to the IV length.
     */
    public static void nonce(byte[] iv, long pathId, long packetNumber, byte[] out) {
        System.arraycopy(iv, 0, out, 0, IV_LENGTH);
        int path = (int) pathId;
        for (int i = 0; i < 4; i++) {
            out[i] ^= (byte) (path >>> (24 - 8 * i));
        }
        long pn = packetNumber & PN_MASK;
        for (int i = 0; i < 8; i++) {
            out[4 + i] ^= (byte) (pn >>> (56 - 8 * i));
        }
    }

    /**
     * Encrypts packet[payloadStart, payloadEnd) in place with AAD packet[aadStart, payloadStart)
     * and writes the tag after it. Returns payloadEnd + 16.
     *
     * @throws IllegalStateException if this packet number (and path) was just used for the
     *     previous seal — JCE refuses nonce reuse, and so do we
     */
    public int seal(byte[] packet, int aadStart, int payloadStart, int payloadEnd, long packetNumber, long pathId) {
        if (payloadEnd + TAG_LENGTH > packet.length || aadStart < 0 || aadStart > payloadStart
                || payloadStart > payloadEnd) {
            throw new IllegalArgumentException("no room for the AEAD tag or bad offsets");
        }
        try {
            init(Cipher.ENCRYPT_MODE, packetNumber, pathId);
        } catch (InvalidKeyException | InvalidAlgorithmParameterException e) {
            throw new IllegalStateException("nonce reuse refused: packet number " + packetNumber, e);
        }
        try {
            cipher.updateAAD(packet, aadStart, payloadStart - aadStart);
            return payloadStart + cipher.doFinal(packet, payloadStart, payloadEnd - payloadStart, packet, payloadStart);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AEAD seal failed", e);
        }
    }

    /**
     * Decrypts packet[payloadStart, packetEnd) (ciphertext and tag) in place with AAD
     * packet[aadStart, payloadStart). Returns the plaintext length (plaintext starts at
     * payloadStart), or -1 when authentication fails or the input is malformed. Never throws
     * for bad input. After a failure packet[payloadStart, packetEnd) is unspecified.
     */
    public int open(byte[] packet, int aadStart, int payloadStart, int packetEnd, long packetNumber, long pathId) {
        if (aadStart < 0 || aadStart > payloadStart || packetEnd > packet.length
                || packetEnd - payloadStart < TAG_LENGTH) {
            return -1;
        }
        try {
            initForDecryption(packetNumber, pathId);
            cipher.updateAAD(packet, aadStart, payloadStart - aadStart);
            return cipher.doFinal(packet, payloadStart, packetEnd - payloadStart, packet, payloadStart);
        } catch (GeneralSecurityException | IllegalStateException e) {
            return -1; // AEADBadTagException above all
        }
    }

    /**
     * JDK 17's ChaCha20-Poly1305 refuses to re-init with the previous key and nonce even for
     * decryption, which would let a forged packet block the genuine one with the same packet
     * number. Reusing a nonce to decrypt is harmless, so init once with another nonce and retry.
     */
    private void initForDecryption(long packetNumber, long pathId)
            throws InvalidKeyException, InvalidAlgorithmParameterException {
        try {
            init(Cipher.DECRYPT_MODE, packetNumber, pathId);
        } catch (InvalidKeyException | InvalidAlgorithmParameterException e) {
            init(Cipher.DECRYPT_MODE, packetNumber ^ 1, pathId);
            init(Cipher.DECRYPT_MODE, packetNumber, pathId);
        }
    }

    private void init(int mode, long packetNumber, long pathId)
            throws InvalidKeyException, InvalidAlgorithmParameterException {
        nonce(iv, pathId, packetNumber, nonce);
        AlgorithmParameterSpec spec = isChaCha(suite)
                ? new IvParameterSpec(nonce) : new GCMParameterSpec(TAG_LENGTH * 8, nonce);
        cipher.init(mode, key, spec);
    }

    public CipherSuite suite() {
        return suite;
    }

    /** A copy of the key (tests and diagnostics). */
    byte[] key() {
        return key.getEncoded();
    }

    /** A copy of the IV (tests and diagnostics). */
    byte[] iv() {
        return iv.clone();
    }

    private static boolean isChaCha(CipherSuite suite) {
        return suite == CipherSuite.TLS_CHACHA20_POLY1305_SHA256;
    }
}
