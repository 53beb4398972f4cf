package org.qdsr.quic.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.quic.EncryptionLevel;
import org.qdsr.quic.QuicException;

class CertificatesTest {
    static final Instant NOT_BEFORE = Instant.parse("2024-01-01T00:00:00Z");
    final SecureRandom random = new SecureRandom();

    static String traditionalPem(PrivateKey key) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(key); // SEC1 "EC PRIVATE KEY" / PKCS#1 "RSA PRIVATE KEY"
        }
        return out.toString();
    }

    static KeyPair rsaKeyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    static boolean signsLike(PrivateKey key, X509Certificate cert) throws Exception {
        String alg = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
        byte[] msg = {1, 2, 3};
        Signature s = Signature.getInstance(alg);
        s.initSign(key);
        s.update(msg);
        byte[] sig = s.sign();
        Signature v = Signature.getInstance(alg);
        v.initVerify(cert.getPublicKey());
        v.update(msg);
        return v.verify(sig);
    }

    @Test
    void selfSignedCertificateHasSansAndValidity() throws Exception {
        CertifiedKey ck = Certificates.generate(List.of("localhost", "127.0.0.1", "::1"), NOT_BEFORE,
                Duration.ofDays(10), random);
        X509Certificate cert = ck.certificate();
        cert.verify(cert.getPublicKey());
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(cert.getNotBefore().toInstant()).isEqualTo(NOT_BEFORE);
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOT_BEFORE.plus(Duration.ofDays(10)));
        assertThat(cert.getSubjectAlternativeNames()).extracting(l -> l.get(0) + "=" + l.get(1))
                .containsExactly("2=localhost", "7=127.0.0.1", "7=0:0:0:0:0:0:0:1");
        assertThat(signsLike(ck.privateKey(), cert)).isTrue();
    }

    @Test
    void pemRoundTripOfChainAndPkcs8Key() throws Exception {
        CertifiedKey ca = Certificates.generateCa("Test CA", NOT_BEFORE, Duration.ofDays(30), random);
        CertifiedKey leaf = Certificates.issue(ca, "node1", List.of("node1.internal"), true, NOT_BEFORE,
                Duration.ofDays(30), random);
        String pem = Certificates.toPem(leaf.chain());
        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----\n");
        assertThat(Certificates.parseCertificates(pem)).containsExactlyElementsOf(leaf.chain());

        String keyPem = Certificates.toPem(leaf.privateKey());
        assertThat(keyPem).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(Certificates.parsePrivateKey(keyPem).getEncoded()).isEqualTo(leaf.privateKey().getEncoded());
    }

    /** Generated with {@code openssl ecparam -name prime256v1 -genkey -noout} (test data only). */
    static final String OPENSSL_SEC1_KEY = """
            -----BEGIN EC PRIVATE KEY-----
            MHcCAQEEIBmiYr366oX0f6c3NnhkAmP9HlxMQM7/RcfnJfRiM7i/oAoGCCqGSM49
            AwEHoUQDQgAE+JufAjrCRYabPYsogLbUyrTw3n9NI6U/5sHYiR9oE6q73TgrhNW0
            pdxsqXokGBY1mk+KB8gYuizV4A1dMhRMnA==
            -----END EC PRIVATE KEY-----
            """;
    /** {@code openssl pkey -pubout} of the key above. */
    static final String OPENSSL_PUBLIC_KEY_DER_BASE64 =
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE+JufAjrCRYabPYsogLbUyrTw3n9NI6U/5sHYiR9oE6q73TgrhNW0pdxsqXokGBY1mk+KB8gYuizV4A1dMhRMnA==";

    @Test
    void readsOpensslSec1EcKey() throws Exception {
        PrivateKey key = Certificates.parsePrivateKey(OPENSSL_SEC1_KEY);
        assertThat(key.getAlgorithm()).isEqualTo("EC");
        PublicKey pub = KeyFactory.getInstance("EC").generatePublic(
                new X509EncodedKeySpec(Base64.getDecoder().decode(OPENSSL_PUBLIC_KEY_DER_BASE64)));
        byte[] msg = {9, 8, 7};
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(key);
        s.update(msg);
        byte[] sig = s.sign();
        Signature v = Signature.getInstance("SHA256withECDSA");
        v.initVerify(pub);
        v.update(msg);
        assertThat(v.verify(sig)).isTrue();
    }

    @Test
    void readsPkcs1RsaKey() throws Exception {
        PrivateKey rsa = rsaKeyPair().getPrivate();
        String pkcs1 = traditionalPem(rsa);
        assertThat(pkcs1).contains("BEGIN RSA PRIVATE KEY");
        assertThat(Certificates.parsePrivateKey(pkcs1).getEncoded()).isEqualTo(rsa.getEncoded());
    }

    @Test
    void malformedPemIsRejectedWithIllegalArgument() {
        assertThatThrownBy(() -> Certificates.parseCertificates("no pem here"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Certificates.parseCertificates(
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Certificates.parsePrivateKey("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void issuedCertificateChainsToCaWithRequestedUsage() throws Exception {
        CertifiedKey ca = Certificates.generateCa("Test CA", NOT_BEFORE, Duration.ofDays(30), random);
        CertifiedKey both = Certificates.issue(ca, "node1", List.of("node1"), true, NOT_BEFORE, Duration.ofDays(1),
                random);
        CertifiedKey serverOnly = Certificates.issue(ca, "node2", List.of("node2"), false, NOT_BEFORE,
                Duration.ofDays(1), random);
        assertThat(both.chain()).hasSize(2).endsWith(ca.certificate());
        both.certificate().verify(ca.certificate().getPublicKey());
        assertThat(both.certificate().getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
        assertThat(both.certificate().getExtendedKeyUsage())
                .containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(serverOnly.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(ca.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(both.certificate().getBasicConstraints()).isEqualTo(-1);
    }

    @Test
    void spkiHashMatchesBouncyCastleSubjectPublicKeyInfo() throws Exception {
        CertifiedKey ck = Certificates.generate(List.of("localhost"), NOT_BEFORE, Duration.ofDays(1), random);
        byte[] spki = new X509CertificateHolder(ck.certificate().getEncoded()).getSubjectPublicKeyInfo().getEncoded();
        String expected = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
        assertThat(Certificates.spkiSha256Base64(ck.certificate())).isEqualTo(expected).hasSize(44);
    }

    @Test
    void rsaServerFromPemFilesCompletesHandshake(@TempDir Path dir) throws Exception {
        CertifiedKey rsa = Certificates.selfSign(rsaKeyPair(), List.of("localhost"), Instant.now().minusSeconds(60),
                Duration.ofDays(1), random);
        Path certFile = Files.writeString(dir.resolve("cert.pem"), Certificates.toPem(rsa.chain()));
        Path keyFile = Files.writeString(dir.resolve("key.pem"), traditionalPem(rsa.privateKey()));
        try (ServerTlsContext ctx = ServerTlsContext.fromPem(certFile, keyFile, List.of("h3"))) {
            assertThat(ctx.certificate()).isEqualTo(rsa.certificate());
            assertHandshakeWithPinnedTrust(ctx);
        }
    }

    @Test
    void ecdsaServerFromPemFilesCompletesHandshake(@TempDir Path dir) throws Exception {
        CertifiedKey ec = Certificates.generate(List.of("localhost"), Duration.ofDays(1));
        Path certFile = Files.writeString(dir.resolve("cert.pem"), Certificates.toPem(ec.chain()));
        Path keyFile = Files.writeString(dir.resolve("key.pem"), Certificates.toPem(ec.privateKey()));
        try (ServerTlsContext ctx = ServerTlsContext.fromPem(certFile, keyFile, List.of("h3"))) {
            assertThat(ctx.spkiSha256Base64()).isEqualTo(Certificates.spkiSha256Base64(ec.certificate()));
            assertHandshakeWithPinnedTrust(ctx);
        }
    }

    /** A key that is not the certificate's, or a file that is not there, fails at start and names the file. */
    @Test
    void fromPemRejectsAKeyOfAnotherCertificateAndNamesMissingFiles(@TempDir Path dir) throws Exception {
        CertifiedKey a = Certificates.generate(List.of("localhost"), Duration.ofDays(1));
        CertifiedKey b = Certificates.generate(List.of("localhost"), Duration.ofDays(1));
        Path certFile = Files.writeString(dir.resolve("a.pem"), Certificates.toPem(a.chain()));
        Path otherKey = Files.writeString(dir.resolve("b.key"), Certificates.toPem(b.privateKey()));
        assertThatThrownBy(() -> ServerTlsContext.fromPem(certFile, otherKey, List.of("h3")))
                .hasMessageContaining("b.key").hasMessageContaining("does not match").hasMessageContaining("a.pem");
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> ServerTlsContext.fromPem(missing, otherKey, List.of("h3")))
                .isInstanceOf(IOException.class).hasMessageContaining("certificate").hasMessageContaining("missing.pem");
        assertThatThrownBy(() -> ServerTlsContext.fromPem(otherKey, otherKey, List.of("h3")))
                .hasMessageContaining("certificate").hasMessageContaining("b.key");
    }

    @Test
    void caIssuedServerCertificateIsTrustedViaCa() throws Exception {
        CertifiedKey ca = Certificates.generateCa("Test CA", Duration.ofDays(1));
        CertifiedKey leaf = Certificates.issue(ca, "localhost", List.of("localhost"), true, Duration.ofDays(1));
        try (ServerTlsContext ctx = ServerTlsContext.create(leaf, List.of("h3"))) {
            TlsPeer[] p = QuicTlsErrorTest.start(ClientTlsConfig.of("localhost", List.of("h3"))
                    .withTrustManager(QuicTlsErrorTest.trusting(ca.certificate())), ctx);
            TlsPeer.pump(p[0], p[1]);
            assertThat(p[0].tls.handshakeComplete()).isTrue();
        }
    }

    private static void assertHandshakeWithPinnedTrust(ServerTlsContext ctx) throws Exception {
        TlsPeer[] p = QuicTlsErrorTest.start(ClientTlsConfig.of("localhost", List.of("h3"))
                .withTrustManager(QuicTlsErrorTest.trusting(ctx.certificate())), ctx);
        try {
            TlsPeer.pump(p[0], p[1]);
        } catch (QuicException e) {
            throw new AssertionError("handshake failed: " + e.getMessage() + " code " + e.errorCode(), e);
        }
        assertThat(p[0].tls.handshakeComplete()).isTrue();
        assertThat(p[1].tls.handshakeComplete()).isTrue();
        QuicTlsHandshakeTest.assertSecretsMatch(p[0], p[1], EncryptionLevel.APPLICATION);
    }
}
