package org.qdsr.app.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.qdsr.app.KwikStall;
import org.qdsr.lb.LbMetrics;
import org.qdsr.lb.LoadBalancerCore;
import org.qdsr.rs.content.ServedBy;
import org.qdsr.rs.content.SyntheticSource;

/**
 * Flupke 0.9.4 (Kwik's HTTP/3 client) through a QDSR load balancer and two real servers: files
 * and {@code /bytes/N} over one connection, sequential and concurrent, byte for byte; 404, a query
 * string, HEAD and POST. Flupke announces no per-server packet-number spaces, so {@code auto}
 * delivers its responses in instructed mode; {@code proxy} is forced in the second run.
 */
@Timeout(120) // up to KwikStall.MAX_RUNS runs of a body that may idle out
class FlupkeClientThroughLbTest {
    private static final Map<String, Integer> SIZES = sizes();
    private static final long[] SYNTHETIC = {1, 70_000, 1_500_000};

    @TempDir
    Path tmp;

    private static Map<String, Integer> sizes() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("empty.bin", 0);
        m.put("one.bin", 1);
        m.put("mtu.bin", 1200);
        m.put("sub/hundred-k.bin", 100_000);
        m.put("three-m.bin", 3 * 1024 * 1024);
        m.put("index.html", 321);
        return m;
    }

    @ParameterizedTest(name = "mode {0}")
    @EnumSource(value = LoadBalancerCore.Mode.class, names = {"AUTO", "PROXY"})
    void flupkeFetchesEverythingByteExactOverOneConnection(LoadBalancerCore.Mode mode) throws Exception {
        KwikStall.retryOnStall("Flupke through the LB, mode " + mode, () -> fetchEverything(mode));
    }

    private void fetchEverything(LoadBalancerCore.Mode mode) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("www"));
        Map<String, byte[]> files = writeFiles(root);
        try (LbWithTwoServers cluster = new LbWithTwoServers(root, mode)) {
            HttpClient flupke = FlupkeClients.trusting(cluster.ca.certificate());
            String base = "https://localhost:" + cluster.vip.getPort();
            Exchanges x = new Exchanges(flupke, base);
            long started = System.nanoTime();
            // The first request opens the connection; every later one reuses it, most concurrently.
            x.check("/one.bin", x.get("/one.bin").get(30, TimeUnit.SECONDS), files.get("one.bin"));
            Map<String, CompletableFuture<HttpResponse<byte[]>>> pending = new LinkedHashMap<>();
            for (String name : files.keySet()) {
                pending.put("/" + name, x.get("/" + name));
            }
            for (long n : SYNTHETIC) {
                pending.put("/bytes/" + n, x.get("/bytes/" + n));
            }
            for (Map.Entry<String, CompletableFuture<HttpResponse<byte[]>>> e : pending.entrySet()) {
                HttpResponse<byte[]> r = e.getValue().get(30, TimeUnit.SECONDS);
                String path = e.getKey();
                x.check(path, r, path.startsWith("/bytes/") ? synthetic(Long.parseLong(path.substring(7)))
                        : files.get(path.substring(1)));
            }
            checkOtherRequests(x, files);
            assertThat(x.servedBy).as("x-served-by over all 200 responses").containsExactlyInAnyOrderElementsOf(
                    LbWithTwoServers.NAMES);
            assertThat(cluster.rsHandoffs()).as("handoffs per real server").allSatisfy(n -> assertThat(n).isPositive());
            LbMetrics m = cluster.metrics();
            System.out.printf("FlupkeClientThroughLbTest %s: %d requests, %d body bytes in %d ms; LB %s%n", mode,
                    x.requests, x.bodyBytes, (System.nanoTime() - started) / 1_000_000, m);
            assertThat(m.connections).as("client connections the LB accepted: %s", m).isEqualTo(1);
            assertThat(m.streamsFailed).as("%s", m).isZero();
            checkDelivery(mode, m, x.requests, x.bodyBytes);
        }
    }

    /** Trusting the CA is not enough: agent15 checks the URL's host against the certificate's DNS names. */
    @Test
    void flupkeRejectsAVipCertificateForAnotherName() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("www"));
        Files.write(root.resolve("one.bin"), new byte[] {42});
        try (LbWithTwoServers cluster = new LbWithTwoServers(root, LoadBalancerCore.Mode.AUTO,
                List.of("vip.example.test"))) {
            HttpClient flupke = FlupkeClients.trusting(cluster.ca.certificate());
            HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + cluster.vip.getPort()
                    + "/one.bin")).timeout(Duration.ofSeconds(20)).build();
            assertThatThrownBy(() -> flupke.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                    .get(30, TimeUnit.SECONDS)).as("Flupke accepted a certificate for vip.example.test at localhost")
                    .isInstanceOf(ExecutionException.class).hasRootCauseInstanceOf(java.io.IOException.class)
                    .rootCause().hasMessageContaining("servername does not match");
            assertThat(cluster.metrics().handoffsInstructed).isZero();
        }
    }

    /** 404, a query string, the root (index.html), HEAD, POST: what the LB and real servers answer. */
    private static void checkOtherRequests(Exchanges x, Map<String, byte[]> files) throws Exception {
        HttpResponse<byte[]> missing = x.get("/no/such/file.bin").get(30, TimeUnit.SECONDS);
        assertThat(missing.statusCode()).as("missing file").isEqualTo(404);
        x.check("/one.bin?a=1&b=%2F", x.get("/one.bin?a=1&b=%2F").get(30, TimeUnit.SECONDS), files.get("one.bin"));
        x.check("/", x.get("/").get(30, TimeUnit.SECONDS), files.get("index.html"));
        x.check("/sub/./../sub/hundred-k.bin (canonicalised by the LB)",
                x.get("/sub/./../sub/hundred-k.bin").get(30, TimeUnit.SECONDS), files.get("sub/hundred-k.bin"));

        HttpResponse<byte[]> head = x.send("/sub/hundred-k.bin", "HEAD", HttpRequest.BodyPublishers.noBody());
        assertThat(head.statusCode()).as("HEAD").isEqualTo(200);
        assertThat(head.body()).as("HEAD body").isEmpty();
        assertThat(head.headers().firstValue("content-length")).as("HEAD content-length").contains("100000");

        byte[] form = "k=v".getBytes();
        HttpResponse<byte[]> post = x.send("/one.bin", "POST", HttpRequest.BodyPublishers.ofByteArray(form));
        assertThat(post.statusCode()).as("POST to a static file").isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).as("POST allow header").contains("GET, HEAD");
    }

    private static void checkDelivery(LoadBalancerCore.Mode mode, LbMetrics m, int requests, long bodyBytes) {
        assertThat(m.handoffsIsolated).as("isolated handoffs (Flupke offers no server paths): %s", m).isZero();
        if (mode == LoadBalancerCore.Mode.PROXY) {
            assertThat(m.handoffsProxy).as("proxy handoffs: %s", m).isEqualTo(requests);
            assertThat(m.handoffsInstructed).as("%s", m).isZero();
            assertThat(m.proxyBytes).as("bytes the LB relayed: %s", m).isGreaterThanOrEqualTo(bodyBytes);
        } else {
            assertThat(m.handoffsInstructed).as("instructed handoffs: %s", m).isEqualTo(requests);
            assertThat(m.handoffsProxy).as("%s", m).isZero();
            assertThat(m.proxyBytes).as("%s", m).isZero();
            assertThat(m.instructionsSent).as("%s", m).isPositive();
        }
    }

    private static byte[] synthetic(long n) {
        byte[] b = new byte[(int) n];
        SyntheticSource.fill(0, b, 0, b.length);
        return b;
    }

    private static Map<String, byte[]> writeFiles(Path root) throws Exception {
        return org.qdsr.app.TestFiles.write(root, SIZES, 9114);
    }

    /** Requests through one Flupke client, counting what reached the LB and what came back. */
    private static final class Exchanges {
        final HttpClient client;
        final String base;
        final Set<String> servedBy = new HashSet<>();
        final List<String> problems = new ArrayList<>();
        int requests;
        long bodyBytes;

        Exchanges(HttpClient client, String base) {
            this.client = client;
            this.base = base;
        }

        CompletableFuture<HttpResponse<byte[]>> get(String path) {
            requests++;
            return client.sendAsync(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        }

        HttpResponse<byte[]> send(String path, String method, HttpRequest.BodyPublisher body) throws Exception {
            requests++;
            return client.sendAsync(request(path).method(method, body).build(), HttpResponse.BodyHandlers.ofByteArray())
                    .get(30, TimeUnit.SECONDS);
        }

        private HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        }

        void check(String what, HttpResponse<byte[]> r, byte[] want) {
            assertThat(r.statusCode()).as("%s status", what).isEqualTo(200);
            Bodies.assertSameBytes(what, r.body(), want);
            r.headers().firstValue(ServedBy.HEADER).ifPresent(servedBy::add);
            bodyBytes += want.length;
        }
    }
}
