package org.qdsr.rs.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.qdsr.http3.Request;

/** What a client gets when the origin behind {@code --origin} fails before answering. */
class OriginSourceTest {
    private final BlockingQueue<Runnable> coreTasks = new LinkedBlockingQueue<>();

    private record Answer(ResponseHead head, String body) {
    }

    /** Runs the core's tasks until the content has a head, then reads the whole body. */
    private Answer fetch(OriginSource source, String method) throws Exception {
        return fetch(source, ContentSource.Handed.of(new Request(method, "https", "localhost", "/x", List.of())));
    }

    private Answer fetch(OriginSource source, ContentSource.Handed handed) throws Exception {
        Content c = source.open(handed, 0, () -> { });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        ResponseHead head;
        while ((head = c.head(0)) == null) {
            Runnable t = coreTasks.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            assertThat(t).as("core task before the deadline").isNotNull();
            t.run();
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buf = new byte[100];
        for (int n; (n = c.read(buf, 0, buf.length, 0)) != -1; ) {
            body.write(buf, 0, n);
            if (n == 0) {
                coreTasks.poll(1, TimeUnit.SECONDS).run();
            }
        }
        c.close();
        return new Answer(head, body.toString(StandardCharsets.ISO_8859_1));
    }

    /** A loopback port nothing listens on (connections are refused). */
    private static int closedPort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Used to be a stream reset (H3_INTERNAL_ERROR) with nothing in the RS's log. */
    @Test
    void originThatRefusesConnectionsGives502() throws Exception {
        OriginSource source = new OriginSource(URI.create("http://127.0.0.1:" + closedPort()), coreTasks::add);
        Answer a = fetch(source, "GET");
        assertThat(a.head().status()).isEqualTo(502);
        assertThat(a.body()).startsWith("bad gateway");
        assertThat(a.head().contentLength()).isEqualTo(a.body().length());
        assertThat(fetch(source, "HEAD").head().status()).isEqualTo(502);
    }

    /** Methods with a body reach the origin with it, byte for byte; CONNECT is not proxied. */
    @Test
    void requestBodiesReachTheOrigin() throws Exception {
        HttpServer origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        origin.createContext("/", ex -> {
            byte[] in = ex.getRequestBody().readAllBytes();
            byte[] out = (ex.getRequestMethod() + " " + in.length + " " + new String(in, StandardCharsets.ISO_8859_1)
                    + " " + ex.getRequestHeaders().getFirst("content-type")).getBytes(StandardCharsets.ISO_8859_1);
            ex.sendResponseHeaders(201, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        origin.start();
        try {
            OriginSource source = new OriginSource(URI.create("http://127.0.0.1:" + origin.getAddress().getPort()),
                    coreTasks::add);
            byte[] body = new byte[300_000];
            new java.util.Random(7).nextBytes(body);
            for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
                Request r = new Request(method, "https", "localhost", "/x",
                        List.of(new org.qdsr.http3.qpack.Field("content-type", "application/octet-stream")));
                Answer a = fetch(source, new ContentSource.Handed(r, body, false));
                assertThat(a.head().status()).as(method).isEqualTo(201);
                assertThat(a.body()).as(method).isEqualTo(method + " " + body.length + " "
                        + new String(body, StandardCharsets.ISO_8859_1) + " application/octet-stream");
            }
            assertThat(fetch(source, "OPTIONS").body()).startsWith("OPTIONS 0 ");
            assertThat(fetch(source, "CONNECT").head().status()).isEqualTo(405);
        } finally {
            origin.stop(0);
        }
    }

    /** With another backend to try (Handoff.mayRefuse), an origin never connected to fails the head instead. */
    @Test
    void unreachableOriginFailsTheHeadWhenTheLbMayRetry() throws Exception {
        OriginSource source = new OriginSource(URI.create("http://127.0.0.1:" + closedPort()), coreTasks::add);
        Content c = source.open(new ContentSource.Handed(new Request("GET", "https", "localhost", "/x", List.of()),
                null, true), 0, () -> { });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        java.io.IOException failure = null;
        while (failure == null) {
            try {
                assertThat(c.head(0)).as("no answer of its own").isNull();
                Runnable t = coreTasks.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                assertThat(t).as("core task before the deadline").isNotNull();
                t.run();
            } catch (java.io.IOException e) {
                failure = e;
            }
        }
        assertThat(OriginFailureLog.notConnected(failure)).as("%s", failure).isTrue();
        assertThatThrownBy(() -> c.head(0)).as("fails again: the stream is refused").isSameAs(failure);
        c.close();
    }

    @Test
    void onlyFailuresBeforeTheConnectionAreRefusable() {
        assertThat(OriginFailureLog.notConnected(new java.io.IOException("x", new java.net.ConnectException("refused"))))
                .isTrue();
        assertThat(OriginFailureLog.notConnected(new java.net.http.HttpConnectTimeoutException("connect timed out")))
                .isTrue();
        assertThat(OriginFailureLog.notConnected(new java.net.http.HttpTimeoutException("request timed out")))
                .as("the origin may have the request").isFalse();
        assertThat(OriginFailureLog.notConnected(new java.io.IOException("connection reset"))).isFalse();
    }

    @Test
    void originThatDoesNotAnswerInTimeGives504() throws Exception {
        HttpServer origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        CountDownLatch release = new CountDownLatch(1);
        origin.createContext("/", ex -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        origin.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        }));
        origin.start();
        try {
            OriginSource source = new OriginSource(URI.create("http://127.0.0.1:" + origin.getAddress().getPort()),
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), coreTasks::add,
                    Duration.ofMillis(300));
            Answer a = fetch(source, "GET");
            assertThat(a.head().status()).isEqualTo(504);
            assertThat(a.body()).startsWith("gateway timeout");
        } finally {
            release.countDown();
            origin.stop(0);
        }
    }

    @Test
    void failuresAreLoggedAtMostOncePerQuietPeriod() {
        OriginFailureLog log = new OriginFailureLog(URI.create("http://127.0.0.1:1"));
        Exception refused = new java.io.IOException("wrapped", new java.net.ConnectException("Connection refused"));
        assertThat(OriginFailureLog.describe(refused)).isEqualTo("ConnectException: Connection refused");
        assertThat(OriginFailureLog.causedByTimeout(refused)).isFalse();
        assertThat(OriginFailureLog.causedByTimeout(new java.io.IOException(
                new java.net.http.HttpTimeoutException("request timed out")))).isTrue();
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger(OriginSource.class.getName());
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(h);
        try {
            assertThat(log.gatewayError(refused, 0).head(0).status()).isEqualTo(502);
            assertThat(log.gatewayError(refused, 1).head(0).status()).isEqualTo(502);
            assertThat(log.gatewayError(refused, 2).head(0).status()).isEqualTo(502);
            assertThat(lines).containsExactly(
                    "rs: origin http://127.0.0.1:1 failed before answering: ConnectException: Connection refused");
            log.gatewayError(refused, OriginFailureLog.QUIET_NANOS + 1);
            assertThat(lines).hasSize(2);
            assertThat(lines.get(1)).endsWith("Connection refused (2 more failed since the last report)");
        } finally {
            jul.removeHandler(h);
        }
    }
}
