package org.qdsr.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.qdsr.app.net.Http3Client;
import org.qdsr.http3.qpack.Field;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.tls.ClientTlsConfig;

/**
 * An HTTP/1.1 origin behind {@code rs --origin} learns who the client is from the load balancer
 * (RFC 7239 {@code Forwarded}, {@code X-Forwarded-For}, {@code X-Forwarded-Proto}), in isolated
 * and in proxy delivery, and never from what the client itself claims.
 */
class ForwardedToOriginTest {
    @Test
    void theOriginSeesTheClientsAddressNotItsClaim() throws Exception {
        Map<String, String> seen = new ConcurrentHashMap<>();
        OriginBehindLb.run(ex -> {
            ex.getRequestHeaders().forEach((k, v) -> seen.put(ex.getRequestURI().getPath() + " " + k.toLowerCase(),
                    String.join(",", v)));
            byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        }, List.of("isolated", "proxy"), List.of(), (vip, mode) -> {
            fetch(vip, "/" + mode);
            assertThat(seen.get("/" + mode + " forwarded")).as(mode)
                    .matches("for=\"127\\.0\\.0\\.1:\\d+\";proto=https;host=\"localhost:" + vip.getPort() + "\"");
            assertThat(seen.get("/" + mode + " x-forwarded-for")).isEqualTo("127.0.0.1");
            assertThat(seen.get("/" + mode + " x-forwarded-proto")).isEqualTo("https");
        });
    }

    /** One GET that claims another address (again while the LB answers 503: its backend is still connecting). */
    private static void fetch(InetSocketAddress vip, String path) throws Exception {
        try (Http3Client client = Http3Client.start("forwarded-test-client")) {
            Http3Client.Connection c = client.connect(vip, ClientTlsConfig.of("localhost", List.of("h3"))
                    .withInsecure(true), ConnectionConfig.defaults().withPaths(16, true));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            Http3Result r;
            do {
                r = c.request("GET", "localhost:" + vip.getPort(), path,
                        List.of(new Field("x-forwarded-for", "6.6.6.6"), new Field("forwarded", "for=6.6.6.6")), null,
                        (buf, off, len) -> { }).get(30, TimeUnit.SECONDS);
            } while (r.response().status() == 503 && System.nanoTime() < deadline && pause());
            assertThat(r.response().status()).isEqualTo(200);
            c.closeWhenIdle();
        }
    }

    private static boolean pause() throws InterruptedException {
        Thread.sleep(50);
        return true;
    }
}
