package org.qdsr.quic.crypto;

import java.util.HexFormat;
import org.qdsr.quic.wire.ConnectionId;

/**
 * Initial secrets of QUIC version 1 (RFC 9001 §5.2), derived from the Destination Connection ID
 * of the client's first Initial packet. Initial packets always use TLS_AES_128_GCM_SHA256.
 */
public final class InitialSecrets {
    /** initial_salt of QUIC v1 (RFC 9001 §5.2). */
    static final byte[] INITIAL_SALT_V1 = HexFormat.of().parseHex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a");
    /** The cipher suite of Initial packets (RFC 9001 §5.2). */
    public static final CipherSuite SUITE = CipherSuite.TLS_AES_128_GCM_SHA256;

    private InitialSecrets() {
    }

    /** initial_secret = HKDF-Extract(initial_salt, client_dst_connection_id). */
    static byte[] initialSecret(ConnectionId odcid) {
        return Hkdf.extract(SUITE.hmacAlgorithm(), INITIAL_SALT_V1, odcid.toBytes());
    }

    /** client_initial_secret = HKDF-Expand-Label(initial_secret, "client in", "", Hash.length). */
    public static byte[] clientSecret(ConnectionId odcid) {
        return Hkdf.expandLabel(SUITE, initialSecret(odcid), "client in", SUITE.hashLength());
    }

    /** server_initial_secret = HKDF-Expand-Label(initial_secret, "server in", "", Hash.length). */
    public static byte[] serverSecret(ConnectionId odcid) {
        return Hkdf.expandLabel(SUITE, initialSecret(odcid), "server in", SUITE.hashLength());
    }
}
