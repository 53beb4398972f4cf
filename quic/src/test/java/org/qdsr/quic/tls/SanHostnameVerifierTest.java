package org.qdsr.quic.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.QuicException;

/** RFC 5280 §4.2.1.6: a client that connects to an IP literal checks the iPAddress entries. */
class SanHostnameVerifierTest {
    private final X509Certificate cert = Certificates.generate(List.of("localhost", "127.0.0.1", "::1"),
            Duration.ofDays(1)).chain().get(0);
    private final SanHostnameVerifier verifier = new SanHostnameVerifier();

    @Test
    void ipLiteralsMatchIpAddressEntriesOnly() {
        assertThat(verifier.verify("127.0.0.1", cert)).isTrue();
        assertThat(verifier.verify("::1", cert)).isTrue();
        assertThat(verifier.verify("[0:0:0:0:0:0:0:1]", cert)).isTrue();
        assertThat(verifier.verify("127.0.0.2", cert)).isFalse();
        assertThat(verifier.verify("::2", cert)).isFalse();
        X509Certificate dnsOnly = Certificates.generate(List.of("localhost"), Duration.ofDays(1)).chain().get(0);
        assertThat(verifier.verify("127.0.0.1", dnsOnly)).isFalse();
    }

    @Test
    void hostNamesStillMatchDnsNameEntries() {
        assertThat(verifier.verify("localhost", cert)).isTrue();
        assertThat(verifier.verify("example.org", cert)).isFalse();
        assertThat(SanHostnameVerifier.ipLiteral("localhost")).isNull();
        assertThat(SanHostnameVerifier.ipLiteral("a:b")).isNull();
    }

    /** Used to fail with certificate_unknown "servername does not match" (qdsr get --cacert https://127.0.0.1/). */
    @Test
    void handshakeToAnIpLiteralWithAMatchingCertificateSucceeds() throws Exception {
        ServerTlsContext server = ServerTlsContext.selfSigned(List.of("h3"), List.of("localhost", "127.0.0.1"));
        try {
            X509TrustManager tm = QuicTlsErrorTest.trusting(server.certificate());
            TlsPeer[] ok = QuicTlsErrorTest.start(ClientTlsConfig.of("127.0.0.1", List.of("h3")).withTrustManager(tm),
                    server);
            TlsPeer.pump(ok[0], ok[1]);
            assertThat(ok[0].tls.handshakeComplete()).isTrue();
            TlsPeer[] wrong = QuicTlsErrorTest.start(ClientTlsConfig.of("127.0.0.9", List.of("h3"))
                    .withTrustManager(tm), server);
            QuicException e = catchThrowableOfType(() -> TlsPeer.pump(wrong[0], wrong[1]), QuicException.class);
            assertThat(e).isNotNull();
        } finally {
            server.close();
        }
    }
}
