package org.qdsr.quic.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF (RFC 5869) and the TLS 1.3 HKDF-Expand-Label (RFC 8446 §7.1), as QUIC uses them to derive
 * packet protection keys (RFC 9001 §5.1). Not on the per-packet path, but on the per-handoff and
 * per-key-update paths of several threads (LB loop, RS loops, control threads): each thread keeps
 * one {@link Mac} per HMAC algorithm and re-keys it per call, since {@code Mac.getInstance} (a
 * provider look-up and a MessageDigest look-up) costs more than the HMAC itself.
 */
public final class Hkdf {
    private static final byte[] LABEL_PREFIX = "tls13 ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY = new byte[0];
    /** One Mac per algorithm and thread; a Mac is not thread-safe, and Hkdf never nests its use. */
    private static final ThreadLocal<Map<String, Mac>> MACS = ThreadLocal.withInitial(() -> new HashMap<>(4));

    private Hkdf() {
    }

    /** HKDF-Extract(salt, ikm) = HMAC-Hash(salt, ikm) (RFC 5869 §2.2). */
    public static byte[] extract(String hmacAlgorithm, byte[] salt, byte[] ikm) {
        Mac mac = mac(hmacAlgorithm, salt);
        return mac.doFinal(ikm);
    }

    /** HKDF-Expand(prk, info, length) (RFC 5869 §2.3). */
    public static byte[] expand(String hmacAlgorithm, byte[] prk, byte[] info, int length) {
        Mac mac = mac(hmacAlgorithm, prk);
        int hashLen = mac.getMacLength();
        if (length < 0 || length > 255 * hashLen) {
            throw new IllegalArgumentException("HKDF output length " + length);
        }
        byte[] out = new byte[length];
        byte[] t = new byte[hashLen];
        int done = 0;
        for (int i = 1; done < length; i++) {
            if (i > 1) {
                mac.update(t); // T(i-1); T(0) is empty
            }
            mac.update(info);
            mac.update((byte) i);
            finish(mac, t);
            int n = Math.min(hashLen, length - done);
            System.arraycopy(t, 0, out, done, n);
            done += n;
        }
        return out;
    }

    /**
     * HKDF-Expand-Label(secret, label, context, length) (RFC 8446 §7.1): the info is the
     * HkdfLabel struct {uint16 length; opaque label<7..255> = "tls13 " + label; opaque context<0..255>}.
     */
    public static byte[] expandLabel(String hmacAlgorithm, byte[] secret, String label, byte[] context, int length) {
        byte[] info = hkdfLabel(label, context, length);
        return expand(hmacAlgorithm, secret, info, length);
    }

    /** HKDF-Expand-Label with the hash of {@code suite} and an empty context. */
    public static byte[] expandLabel(CipherSuite suite, byte[] secret, String label, int length) {
        return expandLabel(suite.hmacAlgorithm(), secret, label, EMPTY, length);
    }

    /** The encoded HkdfLabel structure (RFC 8446 §7.1). */
    static byte[] hkdfLabel(String label, byte[] context, int length) {
        byte[] l = label.getBytes(StandardCharsets.US_ASCII);
        int labelLen = LABEL_PREFIX.length + l.length;
        if (labelLen > 255 || context.length > 255 || length > 0xffff) {
            throw new IllegalArgumentException("HkdfLabel field too long");
        }
        byte[] info = new byte[2 + 1 + labelLen + 1 + context.length];
        int p = 0;
        info[p++] = (byte) (length >>> 8);
        info[p++] = (byte) length;
        info[p++] = (byte) labelLen;
        System.arraycopy(LABEL_PREFIX, 0, info, p, LABEL_PREFIX.length);
        p += LABEL_PREFIX.length;
        System.arraycopy(l, 0, info, p, l.length);
        p += l.length;
        info[p++] = (byte) context.length;
        System.arraycopy(context, 0, info, p, context.length);
        return info;
    }

    private static void finish(Mac mac, byte[] t) {
        try {
            mac.doFinal(t, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** This thread's Mac for {@code algorithm}, keyed with {@code key} (any earlier state is discarded). */
    private static Mac mac(String algorithm, byte[] key) {
        try {
            Map<String, Mac> macs = MACS.get();
            Mac mac = macs.get(algorithm);
            if (mac == null) {
                mac = Mac.getInstance(algorithm);
                macs.put(algorithm, mac);
            }
            // HMAC accepts an empty key, but SecretKeySpec does not: substitute one zero byte,
            // which HMAC pads to the same block (RFC 2104 §2) and so is equivalent.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, algorithm));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE lacks " + algorithm, e);
        }
    }
}
