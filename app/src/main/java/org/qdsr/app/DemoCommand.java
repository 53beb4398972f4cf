package org.qdsr.app;

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
 * {@code qdsr demo}: until the load balancer exists, an HTTP/3 server and client in one process
 * on loopback; fetches a mixed set of generated files over one connection and verifies each
 * body's SHA-256.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Serve generated files and fetch them over one HTTP/3 connection on loopback; verify SHA-256.")
public final class DemoCommand implements Callable<Integer> {
    private static final long TIMEOUT_SECONDS = 30;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path root = Files.createTempDirectory("qdsr-demo");
        try {
            Map<String, byte[]> expected = generateFiles(root);
            return run(root, expected, out);
        } finally {
            deleteTree(root);
        }
    }

    private int run(Path root, Map<String, byte[]> expected, PrintWriter out) throws Exception {
        ServerTlsContext tls = ServerTlsContext.selfSigned(ServerCommand.ALPN, List.of("localhost", "127.0.0.1"));
        long started = System.nanoTime();
        try (Http3Server server = Http3Server.start(new InetSocketAddress("127.0.0.1", 0),
                new StaticFileHandler(root), tls, false);
             Http3Client client = Http3Client.start("qdsr-demo-client")) {
            InetSocketAddress addr = server.localAddress();
            out.println("server listening on " + HostPort.format(addr) + ", serving " + expected.size() + " files");
            ClientTlsConfig clientTls = ClientTlsConfig.of("localhost", ServerCommand.ALPN).withInsecure(true);
            Http3Client.Connection c = client.connect(addr, clientTls, ConnectionConfig.defaults());
            String authority = "localhost:" + addr.getPort();
            List<Row> rows = new ArrayList<>();
            for (Map.Entry<String, byte[]> e : expected.entrySet()) {
                DigestSink sink = new DigestSink();
                rows.add(new Row(e.getKey(), e.getValue(), sink,
                        c.request("GET", authority, e.getKey(), List.of(), null, sink)));
            }
            c.closeWhenIdle();
            return printTable(rows, out, started);
        }
    }

    private int printTable(List<Row> rows, PrintWriter out, long started) throws InterruptedException {
        out.printf("%-22s %10s %6s %10s %10s  %s%n", "path", "size", "status", "ttfb ms", "time ms", "verified");
        int verified = 0;
        long bytes = 0;
        for (Row r : rows) {
            String problem = r.await();
            boolean ok = problem == null;
            verified += ok ? 1 : 0;
            bytes += r.result == null ? 0 : r.result.bodyBytes();
            out.printf("%-22s %10d %6s %10s %10s  %s%n", r.path, r.result == null ? 0 : r.result.bodyBytes(),
                    r.result == null ? "-" : Integer.toString(r.result.response().status()),
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
