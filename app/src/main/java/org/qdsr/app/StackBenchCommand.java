package org.qdsr.app;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.qdsr.rs.content.StaticFileHandler;
import org.qdsr.app.net.Http3Client;
import org.qdsr.app.net.Http3Server;
import org.qdsr.app.peers.Ngtcp2;
import org.qdsr.http3.session.BodySink;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.tls.ClientTlsConfig;
import org.qdsr.quic.tls.ServerTlsContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code qdsr stack-bench}: this stack against ngtcp2 on loopback, side by side in one run:
 * (a) one large download, body discarded; (b) many small requests on one connection.
 */
@Command(name = "stack-bench", mixinStandardHelpOptions = true,
        description = "Compare this stack with ngtcp2 (gtlsserver/gtlsclient) on loopback.")
public final class StackBenchCommand implements Callable<Integer> {
    private static final int WINDOW = 100;
    private static final long TIMEOUT_SECONDS = 300;
    private static final long WARMUP_BYTES = 64L << 20;
    private static final int WARMUP_REQUESTS = 5000;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--size", paramLabel = "MB", defaultValue = "300", description = "download size (default: ${DEFAULT-VALUE})")
    private int sizeMb;

    @Option(names = "--requests", paramLabel = "N", defaultValue = "20000", description = "small requests (default: ${DEFAULT-VALUE})")
    private int requests;

    @Option(names = "--request-size", paramLabel = "BYTES", defaultValue = "1024",
            description = "body size of each small response (default: ${DEFAULT-VALUE})")
    private int requestSize;

    @Option(names = "--runs", paramLabel = "R", defaultValue = "1", description = "repetitions (default: ${DEFAULT-VALUE})")
    private int runs;

    @Option(names = "--only", paramLabel = "STACK", defaultValue = "both",
            description = "run only 'qdsr' or 'ngtcp2' (default: ${DEFAULT-VALUE}); skipped columns show 0")
    private String only;

    @Option(names = "--workload", paramLabel = "W", defaultValue = "both",
            description = "'download', 'requests' or 'both' (default: ${DEFAULT-VALUE})")
    private String workload;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "1",
            description = "untimed warm-up rounds of our stack before the runs (default: ${DEFAULT-VALUE})")
    private int warmups;

    @Option(names = "--verbose", description = "print the UDP loop counters of each of our runs")
    private boolean verbose;

    /** One measurement: seconds of wall time and server CPU (-1 if unknown). */
    record Sample(double seconds, double serverCpuSeconds) {
    }

    private static final Sample SKIPPED = new Sample(Double.POSITIVE_INFINITY, -1);

    @Override
    public Integer call() throws Exception {
        if (sizeMb <= 0 || requests <= 0 || requestSize < 0 || runs <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "sizes, counts and runs must be positive");
        }
        Ngtcp2.requireInstalled();
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("qdsr-stack-bench");
        Path docroot = Files.createDirectories(dir.resolve("www"));
        try {
            writeFile(docroot.resolve("big.bin"), (long) sizeMb << 20);
            writeFile(docroot.resolve("small.bin"), requestSize);
            Ngtcp2.KeyAndCert kc = Ngtcp2.makeCertificate(dir);
            out.printf("stack-bench: %d MB download, %d x %d B requests on one connection, %d run(s), loopback%n",
                    sizeMb, requests, requestSize, runs);
            out.flush();
            if (!only.equals("ngtcp2")) {
                warmUp(docroot);
            }
            for (int r = 1; r <= runs; r++) {
                boolean ours = !only.equals("ngtcp2");
                boolean theirs = !only.equals("qdsr");
                boolean big = !workload.equals("requests");
                boolean small = !workload.equals("download");
                Sample oursBig = ours && big ? oursDownload(docroot) : SKIPPED;
                Sample theirsBig = theirs && big ? ngtcp2(docroot, kc, dir, List.of(), List.of("/big.bin")) : SKIPPED;
                Sample oursSmall = ours && small ? oursRequests(docroot) : SKIPPED;
                Sample theirsSmall = theirs && small ? ngtcp2(docroot, kc, dir,
                        List.of("-n", Integer.toString(requests)), List.of("/small.bin")) : SKIPPED;
                printRun(out, r, oursBig, theirsBig, oursSmall, theirsSmall);
            }
        } finally {
            DemoCommand.deleteTree(dir);
        }
        return Main.OK;
    }

    private void printRun(PrintWriter out, int run, Sample ob, Sample tb, Sample os, Sample ts) {
        double mb = sizeMb * 1048576.0 / 1e6;
        out.printf("run %d%n", run);
        out.printf("  %-28s %12s %12s %8s%n", "", "qdsr", "ngtcp2", "ratio");
        out.printf("  %-28s %12.1f %12.1f %8.2f%n", "download goodput MB/s", mb / ob.seconds, mb / tb.seconds,
                (mb / ob.seconds) / (mb / tb.seconds));
        out.printf("  %-28s %12s %12s%n", "download server CPU s", cpu(ob), cpu(tb));
        out.printf("  %-28s %12.0f %12.0f %8.2f%n", "small requests req/s", requests / os.seconds,
                requests / ts.seconds, ts.seconds / os.seconds);
        out.printf("  %-28s %12s %12s%n", "requests server CPU s", cpu(os), cpu(ts));
        out.printf("  %-28s %12s %12s%n", "server CPU us/request", perRequest(os), perRequest(ts));
        out.flush();
    }

    private static String cpu(Sample s) {
        return s.serverCpuSeconds < 0 ? "n/a" : String.format("%.3f", s.serverCpuSeconds);
    }

    private String perRequest(Sample s) {
        return s.serverCpuSeconds < 0 ? "n/a" : String.format("%.1f", s.serverCpuSeconds * 1e6 / requests);
    }

    private static void writeFile(Path file, long size) throws IOException {
        byte[] chunk = new byte[1 << 20];
        new Random(7).nextBytes(chunk);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(left, chunk.length));
            }
        }
    }

    // ---- our stack ----------------------------------------------------------------------------------

    private Sample oursDownload(Path docroot) throws Exception {
        return oursDownload(docroot, "/big.bin", (long) sizeMb << 20);
    }

    private Sample oursDownload(Path docroot, String path, long size) throws Exception {
        return withOurServer(docroot, (c, authority) -> {
            Http3Result r = c.request("GET", authority, path, List.of(), null, BodySink.DISCARD)
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            check(r, size);
        });
    }

    /**
     * Untimed rounds of both workloads (smaller) so that our runs measure JIT-compiled code, as
     * ngtcp2's native code always is; without it run 1 is mostly interpreter and C1 time.
     */
    private void warmUp(Path docroot) throws Exception {
        long size = Math.min((long) sizeMb << 20, WARMUP_BYTES);
        writeFile(docroot.resolve("warm.bin"), size);
        for (int i = 0; i < warmups; i++) {
            oursDownload(docroot, "/warm.bin", size);
            oursRequests(docroot, Math.min(requests, WARMUP_REQUESTS));
        }
    }

    private Sample oursRequests(Path docroot) throws Exception {
        return oursRequests(docroot, requests);
    }

    private Sample oursRequests(Path docroot, int requests) throws Exception {
        return withOurServer(docroot, (c, authority) -> {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CompletableFuture<Void> all = new CompletableFuture<>();
            int[] issued = {0};
            int[] done = {0};
            Runnable[] next = new Runnable[1];
            next[0] = () -> {
                synchronized (issued) {
                    if (issued[0] >= requests) {
                        return;
                    }
                    issued[0]++;
                }
                c.request("GET", authority, "/small.bin", List.of(), null, BodySink.DISCARD).whenComplete((r, t) -> {
                    if (t != null || r.response().status() != 200 || r.bodyBytes() != requestSize) {
                        failure.compareAndSet(null, t != null ? t : new IOException("bad response " + r));
                        all.completeExceptionally(failure.get());
                        return;
                    }
                    boolean finished;
                    synchronized (issued) {
                        finished = ++done[0] == requests;
                    }
                    if (finished) {
                        all.complete(null);
                    } else {
                        next[0].run();
                    }
                });
            };
            for (int i = 0; i < Math.min(WINDOW, requests); i++) {
                next[0].run();
            }
            all.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        });
    }

    private static void check(Http3Result r, long size) throws IOException {
        if (r.response().status() != 200 || r.bodyBytes() != size) {
            throw new IOException("bad download: status " + r.response().status() + ", " + r.bodyBytes() + " bytes");
        }
    }

    @FunctionalInterface
    private interface Workload {
        void run(Http3Client.Connection c, String authority) throws Exception;
    }

    /** Times {@code work} over a fresh connection (handshake included) and the server loop's CPU time. */
    private Sample withOurServer(Path docroot, Workload work) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        ServerTlsContext tls = ServerTlsContext.selfSigned(ServerCommand.ALPN, List.of("localhost", "127.0.0.1"));
        try (Http3Server server = Http3Server.start(new InetSocketAddress("127.0.0.1", 0),
                new StaticFileHandler(docroot), tls, false);
             Http3Client client = Http3Client.start("qdsr-bench-client")) {
            InetSocketAddress addr = server.localAddress();
            long cpu0 = mx.getThreadCpuTime(server.loopThreadId());
            long t0 = System.nanoTime();
            Http3Client.Connection c = client.connect(addr,
                    ClientTlsConfig.of("localhost", ServerCommand.ALPN).withInsecure(true), ConnectionConfig.defaults());
            work.run(c, "localhost:" + addr.getPort());
            double seconds = (System.nanoTime() - t0) / 1e9;
            long cpu1 = mx.getThreadCpuTime(server.loopThreadId());
            c.closeWhenIdle();
            if (verbose) {
                spec.commandLine().getOut().println("  server loop " + server.loop().counters());
                spec.commandLine().getOut().println("  client loop " + client.loop().counters());
            }
            return new Sample(seconds, cpu0 < 0 || cpu1 < 0 ? -1 : (cpu1 - cpu0) / 1e9);
        }
    }

    // ---- ngtcp2 -------------------------------------------------------------------------------------

    private Sample ngtcp2(Path docroot, Ngtcp2.KeyAndCert kc, Path dir, List<String> extra, List<String> paths)
            throws IOException, InterruptedException {
        int port = Ngtcp2.freeUdpPort();
        Process server = Ngtcp2.startServer(docroot, port, kc, true, dir.resolve("gtlsserver.log"));
        try {
            long cpu0 = Ngtcp2.cpuNanos(server.pid());
            long t0 = System.nanoTime();
            Path log = dir.resolve("gtlsclient.log");
            int exit = Ngtcp2.runToCompletion(Ngtcp2.clientCommand(port, extra, true, paths), log, TIMEOUT_SECONDS);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long cpu1 = Ngtcp2.cpuNanos(server.pid());
            if (exit != 0) {
                throw new IOException("gtlsclient exited with " + exit + ": " + Files.readString(log));
            }
            return new Sample(seconds, cpu0 < 0 || cpu1 < 0 ? -1 : (cpu1 - cpu0) / 1e9);
        } finally {
            Ngtcp2.destroy(server);
        }
    }

}
