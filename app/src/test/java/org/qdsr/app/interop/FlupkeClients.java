package org.qdsr.app.interop;

import java.net.http.HttpClient;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import tech.kwik.core.log.NullLogger;
import tech.kwik.flupke.Http3Client;

/**
 * Flupke HTTP/3 clients that trust one test CA: PKIX path validation against that CA only, and
 * agent15's own host name check against the leaf's DNS SANs.
 *
 * <p>agent15 3.1 (Kwik's TLS) hands a custom trust manager the TLS 1.2 key-exchange name "RSA" as
 * authType whatever the server's key; the JDK's PKIX trust manager then demands keyEncipherment
 * in the leaf's KeyUsage, which an ECDSA certificate must not carry (RFC 5480 §3). TLS 1.3 has
 * no such auth types, so {@link #trustManager} validates with "UNKNOWN" (digitalSignature
 * required) instead; see {@code Agent15AuthTypeTest}.
 */
final class FlupkeClients {
    private FlupkeClients() {
    }

    /** A Flupke client whose only trust anchor is {@code ca}; one pooled connection per host:port. */
    static HttpClient trusting(X509Certificate ca) throws Exception {
        return Http3Client.newBuilder()
                .trustManager(trustManager(ca))
                .connectTimeout(Duration.ofSeconds(5))
                .logger(new NullLogger())
                .build();
    }

    /** Trusts {@code ca} only; ignores the caller's authType (see the class comment). */
    static X509TrustManager trustManager(X509Certificate ca) throws Exception {
        X509TrustManager pkix = pkix(ca);
        return new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                pkix.checkClientTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                pkix.checkServerTrusted(chain, "UNKNOWN");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return pkix.getAcceptedIssuers();
            }
        };
    }

    /** The JDK's PKIX trust manager with {@code ca} as its only anchor. */
    static X509TrustManager pkix(X509Certificate ca) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("test-ca", ca);
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(store);
        for (TrustManager tm : f.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new IllegalStateException("no X509TrustManager from " + f.getAlgorithm());
    }
}
