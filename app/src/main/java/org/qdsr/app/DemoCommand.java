package org.qdsr.app;

import java.security.cert.X509Certificate;
import java.time.Duration;
import org.qdsr.control.channel.ControlTls;
import org.qdsr.lb.LoadBalancer;
import org.qdsr.lb.LoadBalancerCore;
import org.qdsr.lb.routing.Policy;
import org.qdsr.lb.routing.Router;
import org.qdsr.quic.tls.CertifiedKey;
import org.qdsr.quic.tls.Certificates;
import org.qdsr.rs.RealServer;
import org.qdsr.rs.RealServerCore;
import org.qdsr.rs.content.DirectorySource;
import org.qdsr.rs.content.ServedBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.qdsr.rs.content.StaticFileHandler;
import org.qdsr.app.net.HostPort;
import org.qdsr.app.net.Http3Client;
import org.qdsr.app.net.Http3Server;
import org.qdsr.http3.session.BodySink;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.tls.ClientTlsConfig;
import org.qdsr.quic.tls.ServerTlsContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code qdsr demo}: a load balancer, two real servers and a client in one process on loopback
 * (single-host DSR: the real servers send from the VIP's address). Fetches a mixed set of
 * generated files over one connection, verifies each body's SHA-256, shows which real server
 * served each stream and how many bytes the load balancer sent against the real servers.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a load balancer, two real servers and a client on loopback; fetch and verify files.")
public final class DemoCommand implements Callable<Integer> {
    private static final long TIMEOUT_SECONDS = 30;
    /** Held strongly: java.util.logging forgets levels set on loggers nobody references. */
    private static final java.util.logging.Logger QDSR_LOGGER = java.util.logging.Logger.getLogger("org.qdsr");

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        // Backend up/down notices are for operators of long-running processes, not for the demo's table.
        QDSR_LOGGER.setLevel(java.util.logging.Level.WARNING);
        Path root = Files.createTempDirectory("qdsr-demo");
        try {
            Map<String, byte[]> expected = generateFiles(root);
            return run(root, expected, out);
        } finally {
            deleteTree(root);
        }
    }

    private int run(Path root, Map<String, byte[]> expected, PrintWriter out) throws Exception {
        InetSocketAddress vip = new InetSocketAddress("127.0.0.1", freeUdpPort());
        // An in-memory cluster CA for the mutually authenticated control channels.
        CertifiedKey ca = Certificates.generateCa("qdsr-demo-ca", Duration.ofDays(1));
        List<X509Certificate> trust = List.of(ca.certificate());
        List<RealServer> servers = new ArrayList<>();
        try (ServerTlsContext tls = ServerTlsContext.selfSigned(ServerCommand.ALPN, List.of("localhost", "127.0.0.1"));
             Http3Client client = Http3Client.start("qdsr-demo-client")) {
            List<LoadBalancer.BackendSpec> backends = new ArrayList<>();
            for (String name : List.of("rs1", "rs2")) {
                ControlTls rsTls = ControlTls.of(Certificates.issue(ca, name, List.of("127.0.0.1"), true,
                        Duration.ofDays(1)), trust);
                RealServer rs = RealServer.start(new InetSocketAddress("127.0.0.1", 0), vip, RealServer.Bind.WILDCARD,
                        rsTls, name, loop -> new ServedBy(new DirectorySource(root), name),
                        RealServerCore.Config.defaults());
                servers.add(rs);
                backends.add(new LoadBalancer.BackendSpec(name, rs.controlAddress(), 1));
            }
            ControlTls lbTls = ControlTls.of(Certificates.issue(ca, "lb", List.of("127.0.0.1"), true,
                    Duration.ofDays(1)), trust);
            try (LoadBalancer lb = LoadBalancer.start(vip, tls, backends, lbTls, "lb",
                    LoadBalancerCore.Settings.defaults(), new Router(List.of(), Policy.roundRobin()))) {
                awaitBackends(lb, backends.size());
                out.println("load balancer on " + HostPort.format(vip) + " (mode auto), real servers "
                        + String.join(", ", lb.healthyBackends()) + " sending from the same address");
                int result = Main.OK;
                // Our client offers per-server packet-number spaces (isolated DSR); without them it is
                // any QUIC v1 client, a browser say, and the LB picks instructed DSR.
                for (boolean serverPaths : new boolean[] {true, false}) {
                    out.println(serverPaths
                            ? "our client (per-server packet-number spaces): isolated mode"
                            : "as an unmodified QUIC client (one packet-number space): instructed mode; the LB also sends"
                            + " each RS a few bytes of instruction per packet on the control channel (TCP, not counted below)");
                    result = Math.max(result, fetchAll(client, vip, serverPaths, expected, lb, servers, out));
                }
                return result;
            }
        } finally {
            for (RealServer rs : servers) {
                rs.close();
            }
        }
    }

    private int fetchAll(Http3Client client, InetSocketAddress vip, boolean serverPaths, Map<String, byte[]> expected,
                         LoadBalancer lb, List<RealServer> servers, PrintWriter out) throws Exception {
        long started = System.nanoTime();
        long[] before = bytesOut(lb, servers);
        ClientTlsConfig clientTls = ClientTlsConfig.of("localhost", ServerCommand.ALPN).withInsecure(true);
        ConnectionConfig config = serverPaths ? ConnectionConfig.defaults().withPaths(GetCommand.CLIENT_PATHS, true)
                : ConnectionConfig.defaults();
        Http3Client.Connection c = client.connect(vip, clientTls, config);
        String authority = "localhost:" + vip.getPort();
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            DigestSink sink = new DigestSink();
            rows.add(new Row(e.getKey(), e.getValue(), sink,
                    c.request("GET", authority, e.getKey(), List.of(), null, sink)));
        }
        c.closeWhenIdle();
        int result = printTable(rows, out, started);
        printBytes(out, lb, servers, rows, before);
        return result;
    }

    /** Bytes the LB and each real server sent so far: the LB first. */
    private static long[] bytesOut(LoadBalancer lb, List<RealServer> servers) {
        long[] b = new long[servers.size() + 1];
        b[0] = lb.counters().bytesOut();
        for (int i = 0; i < servers.size(); i++) {
            b[i + 1] = servers.get(i).loop().counters().bytesOut();
        }
        return b;
    }

    private static int freeUdpPort() throws IOException {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return s.getLocalPort();
        }
    }

    private static void awaitBackends(LoadBalancer lb, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (lb.healthyBackends().size() < count) {
            if (System.nanoTime() > deadline) {
                throw new IOException("real servers did not connect: " + lb.healthyBackends());
            }
            Thread.sleep(20);
        }
    }

    /** DSR in one line: the response bytes left the real servers, not the load balancer. */
    private static void printBytes(PrintWriter out, LoadBalancer lb, List<RealServer> servers, List<Row> rows,
                                   long[] before) throws IOException {
        long body = rows.stream().mapToLong(r -> r.result == null ? 0 : r.result.bodyBytes()).sum();
        long[] now = bytesOut(lb, servers);
        out.printf("bytes sent: load balancer %d", now[0] - before[0]);
        for (int i = 0; i < servers.size(); i++) {
            out.printf(", rs%d %d", i + 1, now[i + 1] - before[i + 1]);
        }
        org.qdsr.lb.LbMetrics m = lb.metrics();
        out.printf(" (response bodies: %d bytes; handoffs so far isolated=%d instructed=%d proxy=%d)%n", body,
                m.handoffsIsolated, m.handoffsInstructed, m.handoffsProxy);
        out.flush();
    }

    private int printTable(List<Row> rows, PrintWriter out, long started) throws InterruptedException {
        out.printf("%-22s %10s %6s %-6s %10s %10s  %s%n", "path", "size", "status", "by", "ttfb ms", "time ms",
                "verified");
        int verified = 0;
        long bytes = 0;
        for (Row r : rows) {
            String problem = r.await();
            boolean ok = problem == null;
            verified += ok ? 1 : 0;
            bytes += r.result == null ? 0 : r.result.bodyBytes();
            out.printf("%-22s %10d %6s %-6s %10s %10s  %s%n", r.path, r.result == null ? 0 : r.result.bodyBytes(),
                    r.result == null ? "-" : Integer.toString(r.result.response().status()),
                    r.result == null ? "-" : String.valueOf(r.result.response().header(ServedBy.HEADER)),
                    r.result == null ? "-" : String.format("%.2f", r.result.ttfbNanos() / 1e6),
                    r.result == null ? "-" : String.format("%.2f", r.result.totalNanos() / 1e6),
                    ok ? "yes" : "NO (" + problem + ")");
        }
        out.printf("%d of %d files verified, %d bytes over one connection, %.0f ms in all%n", verified, rows.size(),
                bytes, (System.nanoTime() - started) / 1e6);
        out.println(verified == rows.size() ? "demo OK" : "demo FAILED");
        out.flush();
        return verified == rows.size() ? Main.OK : Main.FAILURE;
    }

    /** A small HTML index, text, JSON, binaries of 1 KB, 100 KB and 5 MB, and one nested file. */
    static Map<String, byte[]> generateFiles(Path root) throws IOException {
        Random random = new Random(42);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("/index.html", "<!doctype html><title>qdsr</title><p>hello over HTTP/3</p>\n"
                .getBytes(StandardCharsets.UTF_8));
        files.put("/hello.txt", "hello, world\n".getBytes(StandardCharsets.UTF_8));
        files.put("/data.json", "{\"qdsr\": true, \"numbers\": [1, 2, 3]}\n".getBytes(StandardCharsets.UTF_8));
        files.put("/small.bin", randomBytes(random, 1024));
        files.put("/medium.bin", randomBytes(random, 100 * 1024));
        files.put("/large.bin", randomBytes(random, 5 * 1024 * 1024));
        files.put("/nested/page.html", "<p>nested</p>\n".getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path p = root.resolve(e.getKey().substring(1));
            Files.createDirectories(p.getParent());
            Files.write(p, e.getValue());
        }
        return files;
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Hashes a body as it arrives. */
    private static final class DigestSink implements BodySink {
        private final MessageDigest digest;

        DigestSink() {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public synchronized void onData(byte[] buf, int off, int len) {
            digest.update(buf, off, len);
        }

        synchronized byte[] sha256() {
            return digest.digest();
        }
    }

    /** One file fetched. */
    private static final class Row {
        final String path;
        final byte[] expected;
        final DigestSink sink;
        final CompletableFuture<Http3Result> future;
        Http3Result result;

        Row(String path, byte[] expected, DigestSink sink, CompletableFuture<Http3Result> future) {
            this.path = path;
            this.expected = expected;
            this.sink = sink;
            this.future = future;
        }

        String await() throws InterruptedException {
            try {
                result = future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                return Main.describe(e.getCause());
            } catch (TimeoutException e) {
                return "timed out";
            }
            if (result.response().status() != 200) {
                return "status " + result.response().status();
            }
            if (result.bodyBytes() != expected.length) {
                return result.bodyBytes() + " bytes, expected " + expected.length;
            }
            try {
                byte[] want = MessageDigest.getInstance("SHA-256").digest(expected);
                return Arrays.equals(want, sink.sha256()) ? null : "SHA-256 mismatch";
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
