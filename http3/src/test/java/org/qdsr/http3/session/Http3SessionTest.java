package org.qdsr.http3.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.qdsr.http3.qpack.Field;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.sim.LinkConditions;

class Http3SessionTest {
    private static final long MB = 1 << 20;

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static CompletableFuture<Http3Result> get(Http3ClientSession s, String method, String path, BodySink sink) {
        return s.request(method, "https", "localhost", path, List.of(), null, sink);
    }

    @Test
    void fiftyConcurrentGetsUnderLossAreByteExact() throws Exception {
        Random sizes = new Random(42);
        byte[][] bodies = new byte[50][];
        for (int i = 0; i < bodies.length; i++) {
            int size = i == 0 ? 0 : i == 49 ? (int) (2 * MB) : (int) Math.pow(2, sizes.nextDouble() * 21);
            bodies[i] = randomBytes(size, i);
        }
        RequestHandler handler = (req, body) -> {
            int i = Integer.parseInt(req.path().substring("/blob/".length()));
            return Http3Response.of(200, "application/octet-stream", bodies[i]);
        };
        // Only 8 concurrent request streams: the other requests wait for MAX_STREAMS (StreamsAvailable).
        ConnectionConfig serverConfig = ConnectionConfig.defaults().withMaxStreams(8, 16);
        H3Sim sim = new H3Sim(11, handler, serverConfig,
                LinkConditions.delay(5_000_000).withLoss(0.02).withReordering(0.02));
        Http3ClientSession client = new Http3ClientSession();
        sim.connect(client);
        List<CompletableFuture<Http3Result>> results = new ArrayList<>();
        List<ByteArrayOutputStream> received = new ArrayList<>();
        for (int i = 0; i < bodies.length; i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            received.add(out);
            results.add(get(client, "GET", "/blob/" + i, Http3ClientSession.collector(out)));
        }
        sim.runUntil(() -> results.stream().allMatch(CompletableFuture::isDone), 600);

        for (int i = 0; i < bodies.length; i++) {
            Http3Result r = results.get(i).get();
            assertThat(r.response().status()).isEqualTo(200);
            assertThat(r.response().header("content-length")).isEqualTo(Integer.toString(bodies[i].length));
            assertThat(r.response().header("content-type")).isEqualTo("application/octet-stream");
            assertThat(r.bodyBytes()).isEqualTo(bodies[i].length);
            assertThat(received.get(i).toByteArray()).as("body %d", i).isEqualTo(bodies[i]);
            assertThat(r.ttfbNanos()).isPositive();
            assertThat(r.totalNanos()).isGreaterThanOrEqualTo(r.ttfbNanos());
        }
        long total = 0;
        for (byte[] b : bodies) {
            total += b.length;
        }
        assertThat(sim.serverSession().requestsServed()).isEqualTo(50);
        assertThat(sim.serverSession().bodyBytesSent()).isEqualTo(total);
        assertThat(client.completedRequests()).isEqualTo(50);
        assertThat(client.pendingRequests()).isZero();
    }

    @Test
    void headNotFoundPostEchoAndHandlerFailure() throws Exception {
        byte[] file = randomBytes(1234, 5);
        RequestHandler handler = (req, body) -> switch (req.path()) {
            case "/file" -> Http3Response.of(200, "text/plain", file);
            case "/echo" -> new Http3Response(201, List.of(new Field("x-echo", "yes")), BodySource.ofBytes(body));
            case "/boom" -> throw new IllegalStateException("handler bug");
            default -> Http3Response.of(404, "text/plain", "not found\n".getBytes());
        };
        H3Sim sim = new H3Sim(3, handler);
        Http3ClientSession client = new Http3ClientSession();
        sim.connect(client);
        ByteArrayOutputStream headBody = new ByteArrayOutputStream();
        ByteArrayOutputStream echoed = new ByteArrayOutputStream();
        byte[] upload = randomBytes(3 << 20, 9); // larger than the 2 MiB QUIC send buffer
        var head = get(client, "HEAD", "/file", Http3ClientSession.collector(headBody));
        var missing = get(client, "GET", "/nothing-here", null);
        var post = client.request("POST", "https", "localhost", "/echo", List.of(new Field("content-type", "x/y")),
                upload, Http3ClientSession.collector(echoed));
        var boom = get(client, "GET", "/boom", null);
        sim.runUntil(() -> head.isDone() && missing.isDone() && post.isDone() && boom.isDone(), 30);

        assertThat(head.get().response().status()).isEqualTo(200);
        assertThat(head.get().response().header("content-length")).isEqualTo("1234");
        assertThat(head.get().bodyBytes()).isZero();
        assertThat(headBody.size()).isZero();
        assertThat(missing.get().response().status()).isEqualTo(404);
        assertThat(missing.get().bodyBytes()).isEqualTo("not found\n".length());
        assertThat(post.get().response().status()).isEqualTo(201);
        assertThat(post.get().response().header("x-echo")).isEqualTo("yes");
        assertThat(echoed.toByteArray()).isEqualTo(upload);
        assertThat(boom.get().response().status()).isEqualTo(500);
        assertThat(sim.serverSession().requestsServed()).isEqualTo(4);

        client.closeWhenIdle();
        sim.runUntil(() -> sim.client.connectionCount() == 0, 30);
        assertThat(sim.client.connectionCount()).isZero();
    }

    /**
     * A request body over the session's limit is answered 413 before the client sent it all, the
     * client is told to stop (RFC 9114 §4.1.2), the refusal tap hears of it, and the next request
     * on the connection is served.
     */
    @Test
    void aBodyOverTheLimitIsAnswered413AndTheConnectionGoesOn() throws Exception {
        List<String> refused = new ArrayList<>();
        RequestHandler echo = (req, body) -> new Http3Response(201, List.of(), BodySource.ofBytes(body));
        H3Sim sim = new H3Sim(8, c -> {
            Http3ServerSession s = new Http3ServerSession(RequestDispatcher.of(echo), 100_000);
            s.setRefusalTap((id, status, code, why) -> refused.add(status + " " + why));
            return s;
        });
        Http3ClientSession client = new Http3ClientSession();
        sim.connect(client);
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        ByteArrayOutputStream echoed = new ByteArrayOutputStream();
        byte[] fits = randomBytes(100_000, 5);
        var big = client.request("POST", "https", "localhost", "/echo", List.of(), randomBytes(3 << 20, 4),
                Http3ClientSession.collector(answer));
        sim.runUntil(big::isDone, 30);
        var small = client.request("POST", "https", "localhost", "/echo", List.of(), fits,
                Http3ClientSession.collector(echoed));
        sim.runUntil(small::isDone, 30);

        assertThat(big.get().response().status()).isEqualTo(413);
        assertThat(answer.toString(java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("request body over 100000 bytes\n");
        assertThat(small.get().response().status()).isEqualTo(201);
        assertThat(echoed.toByteArray()).isEqualTo(fits);
        assertThat(refused).containsExactly("413 request body over 100000 bytes");
    }

    /** A 30 MB body generated on the fly; records how far the server ran ahead of what the client consumed. */
    @Test
    void thirtyMegabyteBodyStreamsWithBoundedMemory() throws Exception {
        long size = 30 * MB;
        long[] consumed = new long[1];
        long[] maxAhead = new long[1];
        boolean[] corrupt = new boolean[1];
        RequestHandler handler = (req, body) -> new Http3Response(200, List.of(), new BodySource() {
            private long produced;

            @Override
            public long length() {
                return size;
            }

            @Override
            public int read(byte[] buf, int off, int len) {
                if (produced == size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - produced);
                for (int i = 0; i < n; i++) {
                    buf[off + i] = pattern(produced + i);
                }
                produced += n;
                maxAhead[0] = Math.max(maxAhead[0], produced - consumed[0]);
                return n;
            }
        });
        H3Sim sim = new H3Sim(5, handler);
        Http3ClientSession client = new Http3ClientSession();
        sim.connect(client);
        BodySink verifier = (buf, off, len) -> {
            for (int i = 0; i < len; i++) {
                corrupt[0] |= buf[off + i] != pattern(consumed[0] + i);
            }
            consumed[0] += len;
        };
        var result = get(client, "GET", "/large", verifier);
        sim.runUntil(result::isDone, 600);

        assertThat(result.get().bodyBytes()).isEqualTo(size);
        assertThat(consumed[0]).isEqualTo(size);
        assertThat(corrupt[0]).isFalse();
        // Bounded by the QUIC send buffer (2 MiB) + the client's stream window (4 MiB) + one chunk,
        // far below the 30 MB a buffering server would hold.
        assertThat(maxAhead[0]).isLessThan(7 * MB).isGreaterThan(ServerExchange.CHUNK);
    }

    private static byte pattern(long pos) {
        return (byte) (pos * 31 + (pos >>> 11));
    }
}
