package org.qdsr.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qdsr.app.net.Http3Client;
import org.qdsr.http3.qpack.Field;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.tls.ClientTlsConfig;

/**
 * Requests with a body through {@code lb} and {@code rs --origin} (in this JVM, loopback): POST
 * and PUT reach the HTTP/1.1 origin with their body byte for byte and its answer comes back, in
 * isolated and proxy delivery; a body over {@code --max-request-body} is answered 413 by the LB
 * before the client finished sending it, and the connection and the LB's control channel go on
 * serving.
 */
@Timeout(120)
class OriginRequestBodyTest {
    private static final int LIMIT = 500_000;

    @Test
    void bodiesReachTheOriginAndOversizedOnesAreRefused() throws Exception {
        OriginBehindLb.run(ex -> {
            byte[] in = ex.getRequestBody().readAllBytes();
            byte[] head = (ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + "\n")
                    .getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(200, head.length + in.length);
            ex.getResponseBody().write(head);
            ex.getResponseBody().write(in);
            ex.close();
        }, List.of("isolated", "proxy"), List.of("--max-request-body", String.valueOf(LIMIT)),
                OriginRequestBodyTest::exchange);
    }

    private static void exchange(InetSocketAddress vip, String mode) throws Exception {
        try (Http3Client client = Http3Client.start("body-test-client")) {
            Http3Client.Connection c = client.connect(vip, ClientTlsConfig.of("localhost", List.of("h3"))
                    .withInsecure(true), ConnectionConfig.defaults().withPaths(16, true));
            byte[] body = new byte[LIMIT];
            new Random(11).nextBytes(body);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            Sent first;
            do { // 503 while the LB's backend is still connecting
                first = send(c, vip, "POST", "/" + mode + "/post", body);
            } while (first.result().response().status() == 503 && System.nanoTime() < deadline && pause());
            expectEcho(first, "POST", "/" + mode + "/post", body);
            expectEcho(send(c, vip, "PUT", "/" + mode + "/put", new byte[] {1, 2, 3}), "PUT", "/" + mode + "/put",
                    new byte[] {1, 2, 3});

            Sent tooLarge = send(c, vip, "POST", "/big", new byte[4 * LIMIT]);
            assertThat(tooLarge.result().response().status()).as(mode).isEqualTo(413);
            assertThat(new String(tooLarge.body(), StandardCharsets.US_ASCII))
                    .isEqualTo("request body over " + LIMIT + " bytes\n");
            expectEcho(send(c, vip, "POST", "/" + mode + "/after", new byte[] {9}), "POST", "/" + mode + "/after",
                    new byte[] {9});
            c.closeWhenIdle();
        }
        // the same with the command-line client: -X, -d @FILE, -H as curl has them
        Path file = Files.createTempFile("qdsr-body", ".bin");
        try {
            byte[] upload = new byte[70_000];
            new Random(12).nextBytes(upload);
            Files.write(file, upload);
            String url = "https://127.0.0.1:" + vip.getPort() + "/" + mode + "/cli";
            CliHarness.Run put = CliHarness.run("get", "--insecure", "-X", "PUT", "-d", "@" + file,
                    "-H", "Content-Type: application/octet-stream", url);
            assertThat(put.exitCode()).as("%s %s", put.out(), put.err()).isZero();
            expectEcho(new Sent(null, put.stdoutBytes()), "PUT", "/" + mode + "/cli", upload);
            CliHarness.Run post = CliHarness.run("get", "--insecure", "-d", "hello", url);
            assertThat(post.stdoutBytes()).as("-d alone is a POST")
                    .isEqualTo(("POST /" + mode + "/cli\nhello").getBytes(StandardCharsets.US_ASCII));
            assertThat(CliHarness.run("get", "--insecure", "-H", "no colon", url).exitCode()).isEqualTo(2);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private record Sent(Http3Result result, byte[] body) {
    }

    private static Sent send(Http3Client.Connection c, InetSocketAddress vip, String method, String path, byte[] body)
            throws Exception {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        Http3Result r = c.request(method, "localhost:" + vip.getPort(), path,
                List.of(new Field("content-type", "application/octet-stream")), body, (buf, off, len) -> {
                    synchronized (got) {
                        got.write(buf, off, len);
                    }
                }).get(30, TimeUnit.SECONDS);
        synchronized (got) {
            return new Sent(r, got.toByteArray());
        }
    }

    private static void expectEcho(Sent s, String method, String path, byte[] body) {
        if (s.result() != null) {
            assertThat(s.result().response().status()).as("%s %s", method, path).isEqualTo(200);
        }
        byte[] head = (method + " " + path + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] want = new byte[head.length + body.length];
        System.arraycopy(head, 0, want, 0, head.length);
        System.arraycopy(body, 0, want, head.length, body.length);
        assertThat(s.body()).as("%s %s: the origin's echo, byte for byte", method, path).isEqualTo(want);
    }

    private static boolean pause() throws InterruptedException {
        Thread.sleep(50);
        return true;
    }
}
