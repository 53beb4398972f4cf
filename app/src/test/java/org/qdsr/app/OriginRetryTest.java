package org.qdsr.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qdsr.app.InProcessCommand.Running;
import org.qdsr.app.metrics.PromText;
import org.qdsr.app.net.Http3Client;
import org.qdsr.http3.qpack.Field;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.tls.ClientTlsConfig;

/**
 * A real server whose origin is down does not fail the requests routed to it while another real
 * server can take them: it refuses them before sending anything ({@code Handoff.mayRefuse}) and
 * the LB retries on the other one, in every delivery mode; only the last backend the LB can try
 * answers 502 itself. Two {@code rs --origin} (one pointing at a closed port, one at a live
 * HTTP/1.1 server) behind one {@code lb} with round robin, all in this JVM on loopback.
 */
@Timeout(120)
class OriginRetryTest {
    private static final int REQUESTS = 12;

    @Test
    void requestsForARealServerWithADeadOriginAreServedByAnother() throws Exception {
        AtomicInteger originRequests = new AtomicInteger();
        HttpServer origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        origin.createContext("/", ex -> {
            originRequests.incrementAndGet();
            byte[] body = ("origin says " + ex.getRequestURI().getPath()).getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        origin.start();
        int vip = InProcessCommand.freeUdpPort();
        RsCommand dead = new RsCommand();
        RsCommand live = new RsCommand();
        try (Running deadRun = startRs(dead, "rs-dead", vip, "http://127.0.0.1:" + closedPort());
             Running liveRun = startRs(live, "rs-live", vip, "http://127.0.0.1:" + origin.getAddress().getPort())) {
            assertThat(dead.awaitReady(30, TimeUnit.SECONDS)).as("rs: %s", deadRun.out()).isTrue();
            assertThat(live.awaitReady(30, TimeUnit.SECONDS)).as("rs: %s", liveRun.out()).isTrue();
            for (String mode : List.of("isolated", "proxy", "instructed")) {
                LbCommand lb = new LbCommand();
                try (Running lbRun = InProcessCommand.start(lb, lb::stop, "--listen", "127.0.0.1:" + vip, "--mode",
                        mode, "--insecure-control", "--metrics", "127.0.0.1:0",
                        "--backend", "rs-dead=127.0.0.1:" + dead.controlAddress().getPort(),
                        "--backend", "rs-live=127.0.0.1:" + live.controlAddress().getPort())) {
                    assertThat(lb.awaitReady(30, TimeUnit.SECONDS)).as("lb: %s", lbRun.out()).isTrue();
                    awaitUp(lb.metricsAddress(), "rs-dead");
                    awaitUp(lb.metricsAddress(), "rs-live");
                    for (Fetched f : fetchAll(lb.vipAddress(), mode)) {
                        assertThat(f.result().response().status()).as("%s %s: served by %s: %s", mode, f.path(),
                                servedBy(f.result()), f.body()).isEqualTo(200);
                        assertThat(f.body()).as("%s %s", mode, f.path()).isEqualTo("origin says " + f.path());
                        assertThat(servedBy(f.result())).as("%s %s", mode, f.path()).isEqualTo("rs-live");
                    }
                    assertThat(originRequests.getAndSet(0)).as(mode).isEqualTo(REQUESTS);
                    assertThat(PromText.scrape(lb.metricsAddress()).get("qdsr_lb_handoff_retries_total"))
                            .as("%s: round robin sent about half to rs-dead first", mode).isGreaterThanOrEqualTo(1.0);
                }
            }
            // the dead origin's RS is the only one: it is the last try, so it answers 502 itself
            LbCommand lb = new LbCommand();
            try (Running lbRun = InProcessCommand.start(lb, lb::stop, "--listen", "127.0.0.1:" + vip,
                    "--insecure-control", "--backend", "rs-dead=127.0.0.1:" + dead.controlAddress().getPort())) {
                assertThat(lb.awaitReady(30, TimeUnit.SECONDS)).as("lb: %s", lbRun.out()).isTrue();
                Http3Result r = fetchUntilBackendUp(lb.vipAddress(), "/alone");
                assertThat(r.response().status()).isEqualTo(502);
                assertThat(servedBy(r)).isEqualTo("rs-dead");
            }
        } finally {
            origin.stop(0);
        }
    }

    private static Running startRs(RsCommand rs, String name, int vip, String origin) throws Exception {
        return InProcessCommand.start(rs, rs::stop, "--name", name, "--control", "127.0.0.1:0", "--vip",
                "127.0.0.1:" + vip, "--bind", "WILDCARD", "--insecure-control", "--origin", origin);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private record Fetched(String path, Http3Result result, String body) {
    }

    private static ClientTlsConfig tls() {
        return ClientTlsConfig.of("localhost", List.of("h3")).withInsecure(true);
    }

    /**
     * {@code REQUESTS} concurrent GETs on one connection (server paths on, so the LB's mode
     * decides). Concurrent on purpose: on a loaded machine they used to catch the RS cancelling
     * origin exchanges that had already completed, which closed pooled connections under other
     * requests (fixed in {@code OriginExchange.close}).
     */
    private static List<Fetched> fetchAll(InetSocketAddress vip, String mode) throws Exception {
        try (Http3Client client = Http3Client.start("origin-retry-client")) {
            Http3Client.Connection c = client.connect(vip, tls(), ConnectionConfig.defaults().withPaths(16, true));
            List<String> paths = new ArrayList<>();
            List<ByteArrayOutputStream> bodies = new ArrayList<>();
            List<CompletableFuture<Http3Result>> results = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                String path = "/" + mode + "/" + i;
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                paths.add(path);
                bodies.add(body);
                results.add(c.request("GET", "localhost:" + vip.getPort(), path, List.of(), null,
                        (buf, off, len) -> {
                            synchronized (body) {
                                body.write(buf, off, len);
                            }
                        }));
            }
            List<Fetched> out = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                Http3Result r;
                try {
                    r = results.get(i).get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new AssertionError(paths.get(i) + " failed: " + e.getCause(), e);
                }
                synchronized (bodies.get(i)) {
                    out.add(new Fetched(paths.get(i), r, bodies.get(i).toString(StandardCharsets.US_ASCII)));
                }
            }
            c.closeWhenIdle();
            return out;
        }
    }

    private static void awaitUp(InetSocketAddress metrics, String backend) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String key = "qdsr_lb_backend_up{backend=\"" + backend + "\"}";
        while (!Double.valueOf(1.0).equals(PromText.scrape(metrics).get(key))) {
            assertThat(System.nanoTime()).as("%s up in time", backend).isLessThan(deadline);
            pause();
        }
    }

    private static Http3Result fetchUntilBackendUp(InetSocketAddress vip, String path) throws Exception {
        try (Http3Client client = Http3Client.start("origin-retry-client")) {
            Http3Client.Connection c = client.connect(vip, tls(), ConnectionConfig.defaults().withPaths(16, true));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            Http3Result r;
            do {
                r = c.request("GET", "localhost:" + vip.getPort(), path, List.of(), null, (buf, off, len) -> { })
                        .get(30, TimeUnit.SECONDS);
            } while (r.response().status() == 503 && System.nanoTime() < deadline && pause());
            c.closeWhenIdle();
            return r;
        }
    }

    private static String servedBy(Http3Result r) {
        return r.response().headers().stream().filter(f -> f.name().equals("x-served-by")).map(Field::value)
                .findFirst().orElse(null);
    }

    private static boolean pause() throws InterruptedException {
        Thread.sleep(50);
        return true;
    }
}
