package org.qdsr.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.app.Main;
import org.qdsr.app.ServerCommand;
import picocli.CommandLine;

/** {@code qdsr bench} against an in-process {@code qdsr server} over loopback. */
@Timeout(60)
class BenchCommandTest {
    @TempDir
    Path tmp;

    private final ServerCommand server = new ServerCommand();
    private final CompletableFuture<Integer> serverExit = new CompletableFuture<>();
    private final StringWriter serverOut = new StringWriter();

    private record Run(int exitCode, String out, String err) {
    }

    @BeforeEach
    void startServer() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(root.resolve("index.html"), "hello bench");
        Files.write(root.resolve("blob.bin"), new byte[20_000]);
        Path bytes = Files.createDirectories(root.resolve("bytes"));
        for (int size : new int[] {1_000, 10_000, 100_000, 1_000_000}) {
            Files.write(bytes.resolve(Integer.toString(size)), new byte[size]);
        }
        CommandLine cl = new CommandLine(server);
        cl.setOut(new PrintWriter(serverOut, true));
        cl.setErr(new PrintWriter(serverOut, true));
        Thread t = new Thread(() -> serverExit.complete(
                cl.execute("--listen", "127.0.0.1:0", "--root", root.toString())), "bench-test-server");
        t.setDaemon(true);
        t.start();
        assertThat(server.awaitReady(30, TimeUnit.SECONDS)).as("server ready: %s", serverOut).isTrue();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.stop();
        assertThat(serverExit.get(30, TimeUnit.SECONDS)).isZero();
    }

    private String url(String path) {
        return "https://127.0.0.1:" + server.boundAddress().getPort() + path;
    }

    private static Run bench(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("bench"));
        all.addAll(List.of(args));
        int code = cl.execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":(-?[0-9.]+)").matcher(json);
        assertThat(m.find()).as("%s in %s", key, json).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static String object(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":(\\{[^}]*})").matcher(json);
        assertThat(m.find()).as("%s in %s", key, json).isTrue();
        return m.group(1);
    }

    @Test
    void twoHundredRequestsOverTwoConnectionsAllSucceed() {
        Run run = bench("--insecure", "--requests", "200", "--connections", "2", "--streams", "8", "--json",
                url("/index.html"), url("/blob.bin"));
        assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
        String json = run.out().strip();
        assertThat(json).startsWith("{").endsWith("}").doesNotContain("\n");
        assertThat(number(json, "requests")).isEqualTo(200);
        assertThat(number(json, "succeeded")).isEqualTo(200);
        assertThat(number(json, "failed")).isZero();
        assertThat(number(json, "req_per_s")).isPositive();
        assertThat(number(json, "body_bytes")).isEqualTo(100 * (11 + 20_000));
        assertThat(number(json, "goodput_bytes_per_s")).isPositive();
        String latency = object(json, "latency_ms");
        assertThat(number(latency, "p50")).isPositive().isLessThanOrEqualTo(number(latency, "max"));
        String ttfb = object(json, "ttfb_ms");
        assertThat(number(ttfb, "p50")).isLessThanOrEqualTo(number(ttfb, "p99"));
        assertThat(number(object(json, "statuses"), "200")).isEqualTo(200);
        System.out.println("bench on loopback: " + json);
    }

    @Test
    void samplesFileHasOneLinePerRequest() throws Exception {
        Path csv = tmp.resolve("samples.csv");
        Run run = bench("--insecure", "--requests", "40", "--streams", "4", "--samples", csv.toString(),
                url("/index.html"), url("/blob.bin"), url("/missing.txt"));
        assertThat(run.exitCode()).as("a 404 counts as failed").isEqualTo(1);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines.get(0)).isEqualTo("end_s,status,body_bytes,ttfb_ms,latency_ms,served_by,error");
        assertThat(lines).hasSize(41);
        List<String> rows = lines.subList(1, lines.size());
        assertThat(rows).filteredOn(l -> l.contains(",200,11,")).hasSize(14);
        assertThat(rows).filteredOn(l -> l.contains(",200,20000,")).hasSize(13);
        assertThat(rows).filteredOn(l -> l.contains(",404,")).hasSize(13);
        double previousEnd = -1;
        for (String l : rows) {
            String[] f = l.split(",", -1);
            assertThat(f).hasSize(7);
            double end = Double.parseDouble(f[0]);
            double ttfb = Double.parseDouble(f[3]);
            double latency = Double.parseDouble(f[4]);
            assertThat(end).isGreaterThanOrEqualTo(previousEnd);
            assertThat(ttfb).isPositive().isLessThanOrEqualTo(latency);
            previousEnd = end;
        }
    }

    @Test
    void missingFileFailsEveryRequestAndExitsNonZero() {
        Run run = bench("--insecure", "--requests", "30", "--streams", "4", "--json", url("/missing.txt"));
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        String json = run.out().strip();
        assertThat(number(json, "requests")).isEqualTo(30);
        assertThat(number(json, "failed")).isEqualTo(30);
        assertThat(number(json, "succeeded")).isZero();
        assertThat(number(object(json, "statuses"), "404")).isEqualTo(30);
    }

    @Test
    void humanSummaryAndUsageErrors() {
        Run run = bench("--insecure", "--duration", "0.3", "--streams", "2", url("/index.html"));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("req/s").contains("succeeded").contains("200: ").contains("latency:")
                .contains("p99");
        assertThat(bench("--requests", "5", "--duration", "1", url("/")).exitCode()).isEqualTo(2);
        assertThat(bench("--streams", "0", url("/")).exitCode()).isEqualTo(2);
        assertThat(bench("http://127.0.0.1/").exitCode()).isEqualTo(2);
    }

    @Test
    void sizeMixRequestsBytesPathsWithReproducibleDraws() {
        Run run = bench("--insecure", "--requests", "60", "--streams", "6", "--sizes", "1k:50,10k:30,100k:20",
                "--seed", "9", "--json", url("/ignored"));
        assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
        String json = run.out().strip();
        SizeMix mix = SizeMix.parse("1k:50,10k:30,100k:20");
        long expected = 0;
        for (int n = 0; n < 60; n++) {
            expected += mix.sizeFor(n, 9);
        }
        assertThat(number(json, "succeeded")).isEqualTo(60);
        assertThat(number(json, "body_bytes")).isEqualTo(expected);
        assertThat(number(json, "dropped")).isZero();
        assertThat(number(json, "offered_req_per_s")).isZero();
        assertThat(bench("--sizes", "1k", url("/")).exitCode()).isEqualTo(2);
        assertThat(bench("--sizes", "1k:1", "--sizes-path", "bytes", url("/")).exitCode()).isEqualTo(2);
    }

    @Test
    void openLoopIssuesOnScheduleAndReportsLatencyFromTheScheduledTime() {
        Run run = bench("--insecure", "--warmup", "--rate", "200", "--arrivals", "uniform", "--requests", "100",
                "--streams", "16", "--connections", "2", "--sizes", "1k:3,10k:1", "--json", url("/"));
        assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
        String json = run.out().strip();
        System.out.println("open loop on loopback: " + json);
        assertThat(number(json, "requests") + number(json, "dropped")).isEqualTo(100);
        assertThat(number(json, "succeeded")).isEqualTo(number(json, "requests")).isPositive();
        assertThat(number(json, "failed")).isZero();
        assertThat(number(json, "offered_req_per_s")).isEqualTo(200);
        assertThat(number(json, "elapsed_s")).as("99 gaps of 5 ms").isGreaterThanOrEqualTo(0.495);
        assertThat(number(json, "req_per_s")).isPositive();
        assertThat(number(json, "goodput_bytes_per_s")).isPositive();
        for (String key : new String[] {"ttfb_ms", "latency_ms"}) {
            String p = object(json, key);
            assertThat(number(p, "p50")).as(key).isPositive().isLessThanOrEqualTo(number(p, "p90"));
            assertThat(number(p, "p90")).as(key).isLessThanOrEqualTo(number(p, "p99"));
            assertThat(number(p, "p99")).as(key).isLessThanOrEqualTo(number(p, "max"));
        }
        Run human = bench("--insecure", "--rate", "50", "--duration", "0.2", url("/index.html"));
        assertThat(human.exitCode()).as(human.err()).isZero();
        assertThat(human.out()).contains("open loop: 50.0 req/s offered");
        assertThat(bench("--rate", "0", url("/")).exitCode()).isEqualTo(2);
        Run badWarmup = bench("--insecure", "--warmup", "--timeout", "0.5", "https://127.0.0.1:9/");
        assertThat(badWarmup.exitCode()).isEqualTo(1);
        assertThat(badWarmup.err()).contains("warm-up");
        assertThat(bench("--rate", "5", "--arrivals", "bursty", url("/")).exitCode()).isEqualTo(2);
    }

    @Test
    void openLoopCountsArrivalsFindingEveryStreamBusyAsDropped() {
        // one stream, 1 MB objects, an arrival every 0.5 ms: most arrivals find the stream busy
        Run run = bench("--insecure", "--warmup", "--rate", "2000", "--arrivals", "uniform", "--requests", "200",
                "--streams", "1", "--sizes", "1m:1", "--json", url("/"));
        assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
        String json = run.out().strip();
        assertThat(number(json, "dropped")).isPositive();
        assertThat(number(json, "requests") + number(json, "dropped")).isEqualTo(200);
        assertThat(number(json, "body_bytes")).isEqualTo(1_000_000 * number(json, "succeeded"));
    }
}
