package org.qdsr.app.interop;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.tls.CertifiedKey;
import org.qdsr.quic.tls.Certificates;

/**
 * Why {@link FlupkeClients#trustManager} wraps the JDK's: agent15 passes authType "RSA", with
 * which PKIX rejects a correct ECDSA leaf (KeyUsage digitalSignature only, RFC 5480 §3).
 */
class Agent15AuthTypeTest {
    private final CertifiedKey ca = Certificates.generateCa("auth-type-ca", Duration.ofDays(1));
    private final X509Certificate[] chain = Certificates.issue(ca, "localhost", List.of("localhost"), false,
            Duration.ofDays(1)).chain().toArray(new X509Certificate[0]);

    @Test
    void pkixWithAuthTypeRsaRejectsAnEcdsaLeafThatTls13Accepts() throws Exception {
        X509TrustManager pkix = FlupkeClients.pkix(ca.certificate());
        assertThatThrownBy(() -> pkix.checkServerTrusted(chain, "RSA")).isInstanceOf(CertificateException.class)
                .hasMessageContaining("KeyUsage");
        assertThatCode(() -> pkix.checkServerTrusted(chain, "UNKNOWN")).doesNotThrowAnyException();
    }

    @Test
    void wrapperValidatesAgainstTheCaWhateverTheAuthType() throws Exception {
        X509TrustManager tm = FlupkeClients.trustManager(ca.certificate());
        assertThatCode(() -> tm.checkServerTrusted(chain, "RSA")).doesNotThrowAnyException();
        CertifiedKey other = Certificates.generateCa("other-ca", Duration.ofDays(1));
        X509Certificate[] foreign = Certificates.issue(other, "localhost", List.of("localhost"), false,
                Duration.ofDays(1)).chain().toArray(new X509Certificate[0]);
        assertThatThrownBy(() -> tm.checkServerTrusted(foreign, "RSA")).isInstanceOf(CertificateException.class);
    }
}
