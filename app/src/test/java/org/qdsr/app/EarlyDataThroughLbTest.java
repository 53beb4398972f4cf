package org.qdsr.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.app.peers.Ngtcp2;

/**
 * 0-RTT through the load balancer with a client nobody here wrote: ngtcp2's gtlsclient resumes
 * its first connection's session and sends its request in 0-RTT. The LB accepts it and forwards
 * it before the handshake completes, so the origin behind the real server sees
 * {@code early-data: 1} (RFC 8470 §5.1) on that request only, and can answer 425 to one it will
 * not risk being replayed. Fails (never skips) when ngtcp2 is missing.
 */
@Timeout(120)
class EarlyDataThroughLbTest {
    @TempDir
    Path tmp;

    @Test
    void aResumedRequestSentInZeroRttReachesTheOriginMarkedEarly() throws Exception {
        requireGtlsclient();
        Map<String, String> earlyByPath = new ConcurrentHashMap<>();
        OriginBehindLb.run(recording(earlyByPath), List.of("auto"), List.of(), (vip, mode) -> {
            List<String> resume = resumption();
            awaitServed(vip.getPort(), resume);
            assertThat(fetch(vip.getPort(), resume, "/second")).as(tail(log("/second"))).isTrue();
            assertThat(Files.readString(log("/second"))).as("the client sent its request in 0-RTT")
                    .contains("type=0RTT").doesNotContain("Early data was rejected");
        });
        assertThat(earlyByPath).as("early-data per request, as the origin saw it")
                .containsEntry("/first", "-").containsEntry("/second", "1");
    }

    /**
     * With {@code --early-data false} the LB declines the resumed client's 0-RTT: gtlsclient sends
     * the request again in 1-RTT, and it reaches the origin unmarked, after the handshake.
     */
    @Test
    void withEarlyDataOffTheRequestWaitsForTheHandshake() throws Exception {
        requireGtlsclient();
        Map<String, String> earlyByPath = new ConcurrentHashMap<>();
        OriginBehindLb.run(recording(earlyByPath), List.of("auto"), List.of("--early-data", "false"), (vip, mode) -> {
            List<String> resume = resumption();
            awaitServed(vip.getPort(), resume);
            assertThat(fetch(vip.getPort(), resume, "/second")).as(tail(log("/second"))).isTrue();
            assertThat(Files.readString(log("/second"))).contains("type=0RTT", "Early data was rejected");
        });
        assertThat(earlyByPath).containsEntry("/first", "-").containsEntry("/second", "-");
    }

    /** A reload turns 0-RTT off and on again for the running LB (no origin needed: 503 answers do). */
    @Test
    void aReloadSwitchesZeroRtt() throws Exception {
        requireGtlsclient();
        Path yaml = tmp.resolve("lb.yaml");
        int vip = InProcessCommand.freeUdpPort();
        String base = "listen: \"127.0.0.1:" + vip + "\"\ncontrol: {insecure: true}\n"
                + "backends: [{name: a, address: \"127.0.0.1:9\"}]\n";
        Files.writeString(yaml, base);
        LbCommand lb = new LbCommand();
        try (InProcessCommand.Running run = InProcessCommand.start(lb, lb::stop, "--config", yaml.toString())) {
            assertThat(lb.awaitReady(30, java.util.concurrent.TimeUnit.SECONDS)).as("lb: %s", run.out()).isTrue();
            List<String> resume = resumption();
            runClient(vip, resume, "/a");
            Files.writeString(yaml, base + "early-data: false\n");
            assertThat(lb.reload()).contains("early-data now false").doesNotContain("not applied");
            assertThat(Files.readString(runClient(vip, resume, "/b"))).contains("Early data was rejected");
            Files.writeString(yaml, base);
            assertThat(lb.reload()).contains("early-data now true");
            assertThat(Files.readString(runClient(vip, resume, "/c"))).contains("type=0RTT")
                    .doesNotContain("Early data was rejected");
        }
    }

    /** Our own client, resuming with {@code qdsr get --session-file}: its second request reaches the origin marked early. */
    @Test
    void ourGetResumesThroughTheLbInZeroRtt() throws Exception {
        Map<String, String> earlyByPath = new ConcurrentHashMap<>();
        OriginBehindLb.run(recording(earlyByPath), List.of("auto"), List.of(), (vip, mode) -> {
            Path sessions = tmp.resolve("qdsr-sessions");
            String base = "https://localhost:" + vip.getPort();
            long deadline = System.nanoTime() + 15_000_000_000L;
            CliHarness.Run first;
            do { // 503 while the LB's control channel to the real server still connects
                first = CliHarness.run("get", "--insecure", "--session-file", sessions.toString(), base + "/first");
            } while (first.exitCode() != 0 && System.nanoTime() < deadline);
            assertThat(first.exitCode()).as(first.err()).isZero();
            CliHarness.Run second = CliHarness.run("get", "--insecure", "--session-file", sessions.toString(),
                    base + "/second");
            assertThat(second.exitCode()).as(second.err()).isZero();
            assertThat(new String(second.stdoutBytes(), java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo("served /second\n");
            assertThat(second.err()).contains("0-RTT accepted by localhost:" + vip.getPort());
        });
        assertThat(earlyByPath).containsEntry("/second", "1");
    }

    private static void requireGtlsclient() {
        if (!Files.isExecutable(Ngtcp2.CLIENT)) {
            fail(Ngtcp2.CLIENT + " missing; " + Ngtcp2.INSTALL_HINT);
        }
    }

    private static com.sun.net.httpserver.HttpHandler recording(Map<String, String> earlyByPath) {
        return ex -> {
            String early = ex.getRequestHeaders().getFirst("early-data");
            earlyByPath.put(ex.getRequestURI().getPath(), early == null ? "-" : early);
            byte[] body = ("served " + ex.getRequestURI().getPath() + "\n").getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        };
    }

    /** gtlsclient's flags to keep the session (ticket and transport parameters) for the next run. */
    private List<String> resumption() {
        return List.of("--session-file", tmp.resolve("session").toString(), "--tp-file",
                tmp.resolve("transport-parameters").toString());
    }

    /** Fetches /first until the origin answers (503 while the LB's control channel still connects). */
    private void awaitServed(int port, List<String> resume) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!fetch(port, resume, "/first") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(tmp.resolve("session")).as("gtlsclient kept the LB's session ticket").exists();
    }

    /** One gtlsclient run for {@code path}; true if the origin's body came back (not the LB's 503). */
    private boolean fetch(int port, List<String> resume, String path) throws Exception {
        runClient(port, resume, path);
        Path body = download(path).resolve(path.substring(1));
        return Files.exists(body) && Files.readString(body).equals("served " + path + "\n");
    }

    /** One gtlsclient run for {@code path} that must exit 0; returns its log. */
    private Path runClient(int port, List<String> resume, String path) throws Exception {
        Path log = log(path);
        List<String> extra = new java.util.ArrayList<>(resume);
        extra.addAll(List.of("--download", download(path).toString()));
        int exit = Ngtcp2.runToCompletion(Ngtcp2.clientCommand(port, extra, false, List.of(path)), log, 60);
        assertThat(exit).as("gtlsclient %s; log:%n%s", path, tail(log)).isZero();
        return log;
    }

    private Path download(String path) throws java.io.IOException {
        return Files.createDirectories(tmp.resolve("download" + path.replace('/', '-')));
    }

    private Path log(String path) {
        return tmp.resolve("gtlsclient" + path.replace('/', '-') + ".log");
    }

    private static String tail(Path log) throws java.io.IOException {
        String s = Files.exists(log) ? Files.readString(log) : "(no log)";
        return s.length() > 6000 ? "..." + s.substring(s.length() - 6000) : s;
    }
}
