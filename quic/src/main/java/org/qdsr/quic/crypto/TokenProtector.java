package org.qdsr.quic.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.util.random.RandomGenerator;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals and opens address-validation tokens (RFC 9000 §8.1.1, §8.1.3) with AES-256-GCM under a
 * server-local 32-byte key. Token = nonce (12 random bytes) ‖ ciphertext ‖ tag (16 bytes).
 * The contents (token type, issue time, client address, original DCID) are the caller's.
 * Thread-safe (methods are synchronized around two cached Ciphers).
 */
public final class TokenProtector {
    public static final int NONCE_LENGTH = 12;
    public static final int TAG_LENGTH = 16;
    /** Bytes a token adds to its plaintext. */
    public static final int OVERHEAD = NONCE_LENGTH + TAG_LENGTH;

    private final SecretKeySpec key;
    private final Cipher sealer;
    private final Cipher opener;

    /** @param key 32 random bytes, kept secret by the server (and shared by a cluster). */
    public TokenProtector(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("token key must be 32 bytes");
        }
        this.key = new SecretKeySpec(key, "AES");
        try {
            this.sealer = Cipher.getInstance("AES/GCM/NoPadding");
            this.opener = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE lacks AES/GCM", e);
        }
    }

    /** Encrypts and authenticates {@code plaintext} under a fresh random nonce. */
    public synchronized byte[] seal(byte[] plaintext, RandomGenerator random) {
        byte[] token = new byte[OVERHEAD + plaintext.length];
        byte[] nonce = new byte[NONCE_LENGTH];
        for (int attempt = 0; ; attempt++) {
            random.nextBytes(nonce);
            try {
                sealer.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
                break;
            } catch (InvalidAlgorithmParameterException e) {
                if (attempt > 2) { // the same nonce as the last seal, again and again: broken RNG
                    throw new IllegalStateException("random generator repeats nonces", e);
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        System.arraycopy(nonce, 0, token, 0, NONCE_LENGTH);
        try {
            sealer.doFinal(plaintext, 0, plaintext.length, token, NONCE_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return token;
    }

    /** The plaintext of a token sealed with this key, or null if it is malformed or forged. */
    public synchronized byte[] open(byte[] token) {
        if (token == null || token.length < OVERHEAD) {
            return null;
        }
        try {
            opener.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, token, 0, NONCE_LENGTH));
            return opener.doFinal(token, NONCE_LENGTH, token.length - NONCE_LENGTH);
        } catch (GeneralSecurityException | IllegalStateException e) {
            return null;
        }
    }
}
