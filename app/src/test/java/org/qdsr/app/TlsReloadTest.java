package org.qdsr.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.app.InProcessCommand.Running;
import org.qdsr.app.net.Http3Client;
import org.qdsr.app.peers.Ngtcp2;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.tls.ClientTlsConfig;

/**
 * A renewed certificate without a restart: the files under {@code tls} are replaced in place and
 * the LB reloaded; new connections get the new certificate, a connection opened before keeps
 * working, and a certificate that does not load leaves the one serving. {@code qdsr lb --config}
 * in this JVM; clients that trust only one of the two certificates tell which one the LB shows.
 */
@Timeout(90)
class TlsReloadTest {
    @TempDir
    Path dir;

    @Test
    void aReloadServesNewConnectionsWithTheRenewedCertificate() throws Exception {
        Ngtcp2.KeyAndCert first = Ngtcp2.makeCertificate(Files.createDirectories(dir.resolve("first")));
        Ngtcp2.KeyAndCert second = Ngtcp2.makeCertificate(Files.createDirectories(dir.resolve("second")));
        Path live = Files.createDirectories(dir.resolve("live"));
        install(first, live);
        Path yaml = dir.resolve("lb.yaml");
        int vip = InProcessCommand.freeUdpPort();
        Files.writeString(yaml, "listen: \"127.0.0.1:" + vip + "\"\ncontrol: {insecure: true}\n"
                + "backends: [{name: a, address: \"127.0.0.1:9\"}]\n"
                + "tls: {cert: \"" + live.resolve("cert.pem") + "\", key: \"" + live.resolve("key.pem") + "\"}\n");
        LbCommand lb = new LbCommand();
        try (Running run = InProcessCommand.start(lb, lb::stop, "--config", yaml.toString());
             Http3Client client = Http3Client.start("tls-reload-test")) {
            assertThat(lb.awaitReady(30, TimeUnit.SECONDS)).as("lb: %s", run.out()).isTrue();
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", vip);
            Http3Client.Connection before = client.connect(address, trusting(first), ConnectionConfig.defaults());
            assertThat(answer(before)).as("the first certificate serves").isEqualTo(503); // no backend: the LB answers
            assertThat(lb.reload()).as("files unchanged").doesNotContain("tls");

            install(second, live);
            assertThat(lb.reload()).contains("tls certificate now CN=localhost (valid until")
                    .doesNotContain("not applied");
            assertThat(answer(before)).as("a connection from before the reload goes on").isEqualTo(503);
            assertThat(answer(client.connect(address, trusting(second), ConnectionConfig.defaults())))
                    .as("a new connection sees the renewed certificate").isEqualTo(503);
            assertThat(handshakeFails(client.connect(address, trusting(first), ConnectionConfig.defaults())))
                    .as("and no longer the first").isTrue();

            Files.writeString(live.resolve("key.pem"), "not a key\n");
            assertThat(lb.reload()).contains("failed, configuration unchanged", "tls");
            assertThat(answer(client.connect(address, trusting(second), ConnectionConfig.defaults())))
                    .as("the renewed certificate still serves").isEqualTo(503);
        }
    }

    private static void install(Ngtcp2.KeyAndCert kc, Path live) throws Exception {
        Files.copy(kc.cert(), live.resolve("cert.pem"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(kc.key(), live.resolve("key.pem"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static ClientTlsConfig trusting(Ngtcp2.KeyAndCert kc) throws Exception {
        return ClientTlsConfig.of("localhost", List.of("h3")).withTrustManager(TrustManagers.fromPem(kc.cert()));
    }

    private static int answer(Http3Client.Connection c) throws Exception {
        Http3Result r = c.request("GET", "localhost", "/", List.of(), null, (buf, off, len) -> { })
                .get(20, TimeUnit.SECONDS);
        return r.response().status();
    }

    private static boolean handshakeFails(Http3Client.Connection c) throws Exception {
        try {
            answer(c);
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        }
    }
}
