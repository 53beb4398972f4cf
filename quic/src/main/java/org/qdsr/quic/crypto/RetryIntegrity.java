package org.qdsr.quic.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.qdsr.quic.wire.ConnectionId;

/**
 * The Retry Integrity Tag of QUIC v1 (RFC 9001 §5.8): AES-128-GCM with a fixed key and nonce
 * over an empty plaintext, with the Retry pseudo-packet as AAD. The pseudo-packet is
 * ODCID length (1 byte) ‖ ODCID ‖ the Retry packet without its tag.
 * Thread-safe: every call uses its own Cipher (JCE refuses to re-init a cached GCM encryptor
 * with the same key and nonce, and here they never change).
 */
public final class RetryIntegrity {
    public static final int TAG_LENGTH = 16;
    private static final SecretKeySpec KEY =
            new SecretKeySpec(HexFormat.of().parseHex("be0c690b9f66575a1d766b54e368c84e"), "AES");
    private static final byte[] NONCE = HexFormat.of().parseHex("461599d35d632bf2239825bb");

    private RetryIntegrity() {
    }

    /** The 16-byte tag over a complete pseudo-packet. */
    public static byte[] tag(byte[] pseudoPacket) {
        return tag(pseudoPacket, 0, pseudoPacket.length);
    }

    /** The 16-byte tag over pseudoPacket[off, off + len). */
    public static byte[] tag(byte[] pseudoPacket, int off, int len) {
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, KEY, new GCMParameterSpec(TAG_LENGTH * 8, NONCE));
            gcm.updateAAD(pseudoPacket, off, len);
            return gcm.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE lacks AES/GCM", e);
        }
    }

    /** True when tag[tagOff, tagOff + 16) is the tag of the pseudo-packet (constant time). */
    public static boolean verify(byte[] pseudoPacket, byte[] tag, int tagOff) {
        if (tagOff < 0 || tagOff > tag.length - TAG_LENGTH) {
            return false;
        }
        byte[] expected = tag(pseudoPacket);
        byte[] got = java.util.Arrays.copyOfRange(tag, tagOff, tagOff + TAG_LENGTH);
        return MessageDigest.isEqual(expected, got);
    }

    /**
     * Verifies a received Retry packet retry[off, off + len) (tag included, as its last 16 bytes)
     * against the client's original Destination Connection ID. False if too short.
     */
    public static boolean verify(ConnectionId odcid, byte[] retry, int off, int len) {
        if (off < 0 || len < TAG_LENGTH || off > retry.length - len) {
            return false;
        }
        byte[] pseudo = pseudoPacket(odcid, retry, off, len - TAG_LENGTH);
        return verify(pseudo, retry, off + len - TAG_LENGTH);
    }

    /** Builds ODCID length ‖ ODCID ‖ retry[off, off + lenWithoutTag). */
    public static byte[] pseudoPacket(ConnectionId odcid, byte[] retry, int off, int lenWithoutTag) {
        byte[] pseudo = new byte[1 + odcid.length() + lenWithoutTag];
        pseudo[0] = (byte) odcid.length();
        odcid.copyTo(pseudo, 1);
        System.arraycopy(retry, off, pseudo, 1 + odcid.length(), lenWithoutTag);
        return pseudo;
    }
}
