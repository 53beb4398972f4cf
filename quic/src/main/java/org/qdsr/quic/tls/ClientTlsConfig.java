package org.qdsr.quic.tls;

import java.util.List;

import javax.net.ssl.X509TrustManager;

import org.qdsr.quic.crypto.CipherSuite;

/**
 * Client-side TLS settings for one connection.
 *
 * @param serverName SNI and the name the certificate must match (required)
 * @param alpn protocols to offer, in preference order (non-empty, e.g. {@code List.of("h3")})
 * @param trustManager certificate validation; null = the JDK's default PKIX trust store
 * @param insecure accept any server certificate and skip the hostname check (testing only)
 * @param sessionTicket a {@link SessionTicket#encode()} from an earlier connection, or null;
 *        a ticket that cannot be decoded is ignored (full handshake)
 * @param requestEarlyData try 0-RTT when the ticket allows it and its ALPN is offered
 * @param cipherSuites suites to offer, in preference order; null or empty = all three, AES-128 first
 */
public record ClientTlsConfig(String serverName, List<String> alpn, X509TrustManager trustManager,
                              boolean insecure, byte[] sessionTicket, boolean requestEarlyData,
                              List<CipherSuite> cipherSuites) {

    public static final List<CipherSuite> DEFAULT_CIPHER_SUITES = List.of(
            CipherSuite.TLS_AES_128_GCM_SHA256,
            CipherSuite.TLS_AES_256_GCM_SHA384,
            CipherSuite.TLS_CHACHA20_POLY1305_SHA256);

    public ClientTlsConfig {
        if (serverName == null || serverName.isEmpty()) {
            throw new IllegalArgumentException("serverName is required");
        }
        if (alpn == null || alpn.isEmpty()) {
            throw new IllegalArgumentException("QUIC requires at least one ALPN protocol (RFC 9001 §8.1)");
        }
        alpn = List.copyOf(alpn);
        sessionTicket = sessionTicket == null ? null : sessionTicket.clone();
        cipherSuites = cipherSuites == null || cipherSuites.isEmpty()
                ? DEFAULT_CIPHER_SUITES : List.copyOf(cipherSuites);
    }

    /** Default PKIX validation, no ticket, all cipher suites. */
    public static ClientTlsConfig of(String serverName, List<String> alpn) {
        return new ClientTlsConfig(serverName, alpn, null, false, null, false, null);
    }

    public ClientTlsConfig withSessionTicket(byte[] ticket, boolean earlyData) {
        return new ClientTlsConfig(serverName, alpn, trustManager, insecure, ticket, earlyData, cipherSuites);
    }

    public ClientTlsConfig withInsecure(boolean accept) {
        return new ClientTlsConfig(serverName, alpn, trustManager, accept, sessionTicket, requestEarlyData,
                cipherSuites);
    }

    public ClientTlsConfig withTrustManager(X509TrustManager tm) {
        return new ClientTlsConfig(serverName, alpn, tm, insecure, sessionTicket, requestEarlyData, cipherSuites);
    }

    public ClientTlsConfig withCipherSuites(List<CipherSuite> suites) {
        return new ClientTlsConfig(serverName, alpn, trustManager, insecure, sessionTicket, requestEarlyData,
                suites);
    }

    @Override
    public byte[] sessionTicket() {
        return sessionTicket == null ? null : sessionTicket.clone();
    }
}
