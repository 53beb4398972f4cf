package org.qdsr.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.app.InProcessCommand.Running;
import org.qdsr.app.net.Http3Client;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.tls.CertifiedKey;
import org.qdsr.quic.tls.Certificates;
import org.qdsr.quic.tls.ClientTlsConfig;

/**
 * {@code rs --origin https://...}: the real server speaks TLS to its origin and checks the
 * origin's certificate: with {@code --origin-ca} naming the origin's (self-signed) certificate the
 * response comes through the LB byte for byte; without it the JDK's trust store does not know
 * that certificate and the client gets 502, never the origin's content.
 */
@Timeout(90)
class HttpsOriginTest {
    private static final byte[] BODY = "served over TLS\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void anHttpsOriginIsReachedOnlyWithItsCertificateTrusted() throws Exception {
        CertifiedKey key = Certificates.generate(List.of("127.0.0.1"), Duration.ofDays(1));
        Path ca = dir.resolve("origin.pem");
        Files.writeString(ca, Certificates.toPem(key.chain()));
        HttpsServer origin = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        origin.setHttpsConfigurator(new HttpsConfigurator(serverContext(key)));
        origin.createContext("/", ex -> {
            ex.sendResponseHeaders(200, BODY.length);
            ex.getResponseBody().write(BODY);
            ex.close();
        });
        origin.start();
        try {
            String url = "https://127.0.0.1:" + origin.getAddress().getPort();
            assertThat(fetchThrough(url, List.of("--origin-ca", ca.toString()))).as("trusted").isEqualTo(200);
            assertThat(fetchThrough(url, List.of())).as("not trusted: bad gateway").isEqualTo(502);
        } finally {
            origin.stop(0);
        }
    }

    private static SSLContext serverContext(CertifiedKey key) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] pass = "test".toCharArray();
        store.setKeyEntry("origin", key.privateKey(), pass,
                key.chain().toArray(new java.security.cert.Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, pass);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /** One GET of /x through a fresh rs (with {@code rsFlags}) and lb in isolated mode; returns the status. */
    private static int fetchThrough(String originUrl, List<String> rsFlags) throws Exception {
        int vip = InProcessCommand.freeUdpPort();
        List<String> args = new java.util.ArrayList<>(List.of("--name", "rs1", "--control", "127.0.0.1:0", "--vip",
                "127.0.0.1:" + vip, "--bind", "WILDCARD", "--insecure-control", "--origin", originUrl));
        args.addAll(rsFlags);
        RsCommand rs = new RsCommand();
        try (Running rsRun = InProcessCommand.start(rs, rs::stop, args.toArray(new String[0]))) {
            assertThat(rs.awaitReady(30, TimeUnit.SECONDS)).as("rs: %s", rsRun.out()).isTrue();
            LbCommand lb = new LbCommand();
            try (Running lbRun = InProcessCommand.start(lb, lb::stop, "--listen", "127.0.0.1:" + vip, "--mode",
                    "isolated", "--insecure-control", "--backend", "rs1=127.0.0.1:" + rs.controlAddress().getPort());
                 Http3Client client = Http3Client.start("https-origin-client")) {
                assertThat(lb.awaitReady(30, TimeUnit.SECONDS)).as("lb: %s", lbRun.out()).isTrue();
                Http3Client.Connection c = client.connect(lb.vipAddress(), ClientTlsConfig.of("localhost",
                        List.of("h3")).withInsecure(true), ConnectionConfig.defaults().withPaths(16, true));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (true) {
                    ByteArrayOutputStream body = new ByteArrayOutputStream();
                    Http3Result r = c.request("GET", "localhost:" + vip, "/x", List.of(), null, (buf, off, len) -> {
                        synchronized (body) {
                            body.write(buf, off, len);
                        }
                    }).get(30, TimeUnit.SECONDS);
                    int status = r.response().status();
                    if (status != 503 || System.nanoTime() > deadline) { // 503: the backend is still connecting
                        if (status == 200) {
                            synchronized (body) {
                                assertThat(body.toByteArray()).isEqualTo(BODY);
                            }
                        }
                        c.closeWhenIdle();
                        return status;
                    }
                    Thread.sleep(50);
                }
            }
        }
    }
}
