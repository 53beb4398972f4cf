package org.qdsr.quic.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.qdsr.quic.wire.ConnectionId;

/**
 * Stateless reset tokens derived from a static key (RFC 9000 §10.3.2):
 * token = first 16 bytes of HMAC-SHA256(key, connection ID), so any server instance holding the
 * key can reset a connection it has no state for. Thread-safe (synchronized around one Mac).
 */
public final class StatelessResetTokens {
    public static final int TOKEN_LENGTH = 16;

    private final Mac mac;

    /** @param key 32 secret random bytes, stable across restarts and shared by a cluster. */
    public StatelessResetTokens(byte[] key) {
        if (key.length < 32) {
            throw new IllegalArgumentException("stateless reset key must have at least 32 bytes");
        }
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE lacks HmacSHA256", e);
        }
    }

    /** The 16-byte stateless reset token for {@code cid}. */
    public byte[] tokenFor(ConnectionId cid) {
        byte[] full;
        synchronized (this) {
            full = mac.doFinal(cid.toBytes());
        }
        byte[] token = new byte[TOKEN_LENGTH];
        System.arraycopy(full, 0, token, 0, TOKEN_LENGTH);
        return token;
    }

    /**
     * Constant-time comparison of a[off, off + 16) with the 16-byte {@code token}; false when
     * {@code a} has fewer than 16 bytes at {@code off} (RFC 9000 §10.3.1: the token is the last
     * 16 bytes of a datagram).
     */
    public static boolean matches(byte[] a, int off, byte[] token) {
        if (token == null || token.length != TOKEN_LENGTH || off < 0 || off > a.length - TOKEN_LENGTH) {
            return false;
        }
        int diff = 0;
        for (int i = 0; i < TOKEN_LENGTH; i++) {
            diff |= a[off + i] ^ token[i];
        }
        return diff == 0;
    }
}
