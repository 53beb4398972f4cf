package org.qdsr.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.quic.tls.Certificates;

@Timeout(60)
class CertsCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesCaAndNodeCertificatesWithPrivateKeys() throws Exception {
        CliHarness.Run run = CliHarness.run("certs", "--out", dir.toString(), "--rs-names", "rs-a,rs-b",
                "--validity-days", "30");
        assertThat(run.exitCode()).as(run.err()).isZero();
        for (String name : List.of("ca", "lb", "rs-a", "rs-b")) {
            assertThat(dir.resolve(name + ".pem")).isRegularFile();
            assertThat(dir.resolve(name + ".key")).isRegularFile();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name + ".key"))))
                    .isEqualTo("rw-------");
            assertThat(run.out()).contains(dir.resolve(name + ".pem").toString());
        }
        Path secret = dir.resolve("vip.secret");
        assertThat(Files.size(secret)).as("LB endpoint secret").isEqualTo(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
        X509Certificate ca = Certificates.readCertificates(dir.resolve("ca.pem")).get(0);
        for (String name : List.of("lb", "rs-a", "rs-b")) {
            List<X509Certificate> chain = Certificates.readCertificates(dir.resolve(name + ".pem"));
            assertThat(chain.get(0).getSubjectX500Principal().getName()).isEqualTo("CN=" + name);
            assertThat(chain.get(0).getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
            validate(chain, ca);
        }
        X509Certificate rsCert = Certificates.readCertificates(dir.resolve("rs-a.pem")).get(0);
        assertThat(rsCert.getNotAfter().getTime() - rsCert.getNotBefore().getTime())
                .isBetween(TimeUnit.DAYS.toMillis(30), TimeUnit.DAYS.toMillis(30) + TimeUnit.HOURS.toMillis(2));
    }

    @Test
    void mutualTlsHandshakeSucceedsWithTheWrittenFiles() throws Exception {
        assertThat(CliHarness.run("certs", "--out", dir.toString()).exitCode()).isZero();
        SSLContext lb = context("lb");
        SSLContext rs = context("rs");
        try (SSLServerSocket server = (SSLServerSocket) rs.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setNeedClientAuth(true);
            server.setEnabledProtocols(new String[] {"TLSv1.3"});
            CompletableFuture<String> peer = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    InputStream in = s.getInputStream();
                    int b = in.read();
                    s.getOutputStream().write(b + 1);
                    s.getOutputStream().flush();
                    return s.getSession().getPeerPrincipal().getName();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                 SSLSocket c = (SSLSocket) lb.getSocketFactory().createSocket(raw, "rs", server.getLocalPort(), true)) {
                c.setEnabledProtocols(new String[] {"TLSv1.3"});
                c.startHandshake();
                OutputStream out = c.getOutputStream();
                out.write(41);
                out.flush();
                assertThat(c.getInputStream().read()).isEqualTo(42);
                assertThat(c.getSession().getProtocol()).isEqualTo("TLSv1.3");
                assertThat(c.getSession().getPeerPrincipal().getName()).isEqualTo("CN=rs");
            }
            assertThat(peer.get(10, TimeUnit.SECONDS)).isEqualTo("CN=lb");
        }
    }

    @Test
    void severalLoadBalancersGetOneCertificateEachUnderTheOneCa() throws Exception {
        CliHarness.Run run = CliHarness.run("certs", "--out", dir.toString(), "--lb-names", "lb-a,lb-b",
                "--rs-names", "rs1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        X509Certificate ca = Certificates.readCertificates(dir.resolve("ca.pem")).get(0);
        for (String name : List.of("lb-a", "lb-b", "rs1")) {
            validate(Certificates.readCertificates(dir.resolve(name + ".pem")), ca);
        }
        assertThat(dir.resolve("lb.pem")).doesNotExist();
        assertThat(CliHarness.run("certs", "--out", dir.resolve("again").toString(), "--lb-names", "x,x").err())
                .contains("duplicate node name: x");
    }

    @Test
    void rejectsBadNodeNames() {
        CliHarness.Run run = CliHarness.run("certs", "--out", dir.toString(), "--rs-names", "../evil");
        assertThat(run.exitCode()).isEqualTo(Main.USAGE);
        assertThat(run.err()).contains("bad node name");
        assertThat(dir.resolve("ca.pem")).doesNotExist();
    }

    private static void validate(List<X509Certificate> chain, X509Certificate ca) throws Exception {
        chain.get(0).verify(ca.getPublicKey());
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(chain.subList(0, 1)), params);
    }

    private SSLContext context(String node) throws Exception {
        char[] pw = "x".toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry(node, Certificates.readPrivateKey(dir.resolve(node + ".key")), pw,
                Certificates.readCertificates(dir.resolve(node + ".pem")).toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, pw);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", Certificates.readCertificates(dir.resolve("ca.pem")).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
