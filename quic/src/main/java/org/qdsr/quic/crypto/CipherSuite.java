package org.qdsr.quic.crypto;

/** The TLS 1.3 cipher suites QUIC uses for packet protection (RFC 9001 §5). */
public enum CipherSuite {
    TLS_AES_128_GCM_SHA256(0x1301, 16, "HmacSHA256", 32),
    TLS_AES_256_GCM_SHA384(0x1302, 32, "HmacSHA384", 48),
    TLS_CHACHA20_POLY1305_SHA256(0x1303, 32, "HmacSHA256", 32);

    private final int code;
    private final int keyLength;
    private final String hmac;
    private final int hashLength;

    CipherSuite(int code, int keyLength, String hmac, int hashLength) {
        this.code = code;
        this.keyLength = keyLength;
        this.hmac = hmac;
        this.hashLength = hashLength;
    }

    /** The TLS code point. */
    public int code() {
        return code;
    }

    /** AEAD key length in bytes; also the header-protection key length. */
    public int keyLength() {
        return keyLength;
    }

    /** The JCA name of the HMAC of the suite's hash, for HKDF. */
    public String hmacAlgorithm() {
        return hmac;
    }

    /** Length of the suite's hash output (and of its traffic secrets). */
    public int hashLength() {
        return hashLength;
    }

    public static CipherSuite fromCode(int code) {
        for (CipherSuite s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown cipher suite 0x" + Integer.toHexString(code));
    }
}
