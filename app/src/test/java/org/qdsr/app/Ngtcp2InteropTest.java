package org.qdsr.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.app.peers.Ngtcp2;

/**
 * Real interop with the ngtcp2 example peers (gtlsclient / gtlsserver): several files on one
 * connection in each direction, compared byte for byte. Fails (never skips) when ngtcp2 is missing.
 * Without -q the peers' logs are kept in the temp dir and printed on failure.
 */
@Timeout(120)
class Ngtcp2InteropTest {
    @TempDir
    Path tmp;
    Path root;
    Map<String, byte[]> files;

    @BeforeEach
    void setUp() throws Exception {
        if (!Files.isExecutable(Ngtcp2.CLIENT) || !Files.isExecutable(Ngtcp2.SERVER)) {
            fail("ngtcp2 example peers missing (" + Ngtcp2.CLIENT + ", " + Ngtcp2.SERVER + "); " + Ngtcp2.INSTALL_HINT);
        }
        root = Files.createDirectories(tmp.resolve("www"));
        Map<String, Integer> sizes = new LinkedHashMap<>();
        sizes.put("a.txt", 13);
        sizes.put("b.bin", 1);
        sizes.put("c.bin", 50_000);
        sizes.put("d.bin", 300_000);
        sizes.put("e.bin", 2 * 1024 * 1024);
        files = CliHarness.writeFiles(root, sizes);
    }

    @Test
    void gtlsclientDownloadsFromOurServer() throws Exception {
        Path download = Files.createDirectories(tmp.resolve("download"));
        Path log = tmp.resolve("gtlsclient.log");
        try (CliHarness.RunningServer server = new CliHarness.RunningServer(
                "--listen", "127.0.0.1:0", "--root", root.toString())) {
            List<String> paths = new ArrayList<>();
            for (String name : files.keySet()) {
                paths.add("/" + name);
            }
            List<String> cmd = Ngtcp2.clientCommand(server.port(), List.of("--download", download.toString()), false,
                    paths);
            int exit = Ngtcp2.runToCompletion(cmd, log, 60);
            String evidence = tail(log) + "\nserver output:\n" + server.out;
            assertThat(exit).as("gtlsclient exit code; log:%n%s", evidence).isZero();
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                Path got = download.resolve(e.getKey());
                assertThat(got).as(evidence).exists();
                assertThat(Files.readAllBytes(got)).as(e.getKey()).isEqualTo(e.getValue());
            }
        }
    }

    /** What a test does against a running gtlsserver serving {@link #root}. */
    @FunctionalInterface
    private interface AgainstGtlsserver {
        void run(Ngtcp2.KeyAndCert kc, int port, Path serverLog) throws Exception;
    }

    private void withGtlsserver(AgainstGtlsserver test) throws Exception {
        Ngtcp2.KeyAndCert kc = Ngtcp2.makeCertificate(tmp);
        int port = Ngtcp2.freeUdpPort();
        Path serverLog = tmp.resolve("gtlsserver.log");
        Process server = Ngtcp2.startServer(root, port, kc, false, serverLog);
        try {
            test.run(kc, port, serverLog);
        } finally {
            Ngtcp2.destroy(server);
        }
    }

    @Test
    void ourGetDownloadsFromGtlsserver() throws Exception {
        withGtlsserver((kc, port, serverLog) -> {
            Path out = tmp.resolve("out");
            List<String> args = new ArrayList<>(List.of("get", "--cacert", kc.cert().toString(), "--timeout", "60",
                    "--output-dir", out.toString()));
            for (String name : files.keySet()) {
                args.add("https://localhost:" + port + "/" + name);
            }
            CliHarness.Run run = CliHarness.run(args.toArray(String[]::new));
            String evidence = run.err() + "\ngtlsserver log:\n" + tail(serverLog);
            assertThat(run.exitCode()).as(evidence).isZero();
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                assertThat(Files.readAllBytes(out.resolve(e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
            }
        });
    }

    /** Our client resumes its session with gtlsserver and sends the second run's request in 0-RTT. */
    @Test
    void ourGetResumesWithGtlsserverInZeroRtt() throws Exception {
        withGtlsserver((kc, port, serverLog) -> {
            Path sessions = tmp.resolve("sessions");
            String url = "https://localhost:" + port + "/c.bin";
            for (int run = 1; run <= 2; run++) {
                Path out = tmp.resolve("c-" + run + ".bin");
                CliHarness.Run r = CliHarness.run("get", "--cacert", kc.cert().toString(), "--timeout", "30",
                        "--session-file", sessions.toString(), "-o", out.toString(), url);
                String evidence = r.err() + "\ngtlsserver log:\n" + tail(serverLog);
                assertThat(r.exitCode()).as(evidence).isZero();
                assertThat(Files.readAllBytes(out)).isEqualTo(files.get("c.bin"));
                if (run == 1) {
                    assertThat(r.err()).as("nothing to resume yet").doesNotContain("0-RTT");
                } else {
                    assertThat(r.err()).as(evidence).contains("0-RTT accepted by localhost:" + port);
                }
            }
        });
    }

    private static String tail(Path log) throws java.io.IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        String s = Files.readString(log);
        return s.length() > 8000 ? "..." + s.substring(s.length() - 8000) : s;
    }
}
