package org.qdsr.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code qdsr server} and {@code qdsr get} in one process over loopback. */
@Timeout(120)
class CliEndToEndTest {
    @TempDir
    Path tmp;

    @Test
    void getFetchesTenFilesOverOneConnectionByteForByte() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("www"));
        Map<String, Integer> sizes = new LinkedHashMap<>();
        int[] some = {0, 1, 100, 1200, 4096, 65_536, 100_000, 262_144, 1_000_000, 3 * 1024 * 1024};
        for (int i = 0; i < some.length; i++) {
            sizes.put("f" + i + ".bin", some[i]);
        }
        Map<String, byte[]> files = CliHarness.writeFiles(root, sizes);
        Path outDir = tmp.resolve("out");
        try (CliHarness.RunningServer server = new CliHarness.RunningServer(
                "--listen", "127.0.0.1:0", "--root", root.toString())) {
            List<String> args = new ArrayList<>(List.of("get", "--insecure", "--timeout", "60", "--output-dir",
                    outDir.toString()));
            for (String name : files.keySet()) {
                args.add("https://localhost:" + server.port() + "/" + name);
            }
            CliHarness.Run run = CliHarness.run(args.toArray(String[]::new));
            assertThat(run.exitCode()).as(run.err()).isZero();
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                assertThat(Files.readAllBytes(outDir.resolve(e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
                assertThat(run.err()).contains("200 https://localhost:" + server.port() + "/" + e.getKey() + " "
                        + e.getValue().length + " bytes");
            }
        }
    }

    /** Two URLs with one file name (query strings, "/" and "/index.html") each keep their own body. */
    @Test
    void outputDirKeepsEachBodyWhenNamesCollide() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("www"));
        Map<String, byte[]> files = CliHarness.writeFiles(root, Map.of("big.bin", 300_000));
        Files.writeString(root.resolve("index.html"), "hello");
        Path outDir = tmp.resolve("out");
        try (CliHarness.RunningServer server = new CliHarness.RunningServer(
                "--listen", "127.0.0.1:0", "--root", root.toString())) {
            String base = "https://localhost:" + server.port();
            CliHarness.Run run = CliHarness.run("get", "--insecure", "--timeout", "60", "--output-dir",
                    outDir.toString(), base + "/big.bin?a", base + "/big.bin?b", base + "/", base + "/missing/");
            assertThat(run.exitCode()).as(run.err()).isEqualTo(1); // the 404
            assertThat(Files.readAllBytes(outDir.resolve("big.bin"))).isEqualTo(files.get("big.bin"));
            assertThat(Files.readAllBytes(outDir.resolve("big.bin.1"))).isEqualTo(files.get("big.bin"));
            assertThat(Files.readString(outDir.resolve("index.html"))).isEqualTo("hello");
            assertThat(outDir.resolve("index.html.1")).exists();
        }
    }

    @Test
    void missingFileExitsNonZeroAndSingleBodyGoesToStdout() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(root.resolve("index.html"), "hello");
        try (CliHarness.RunningServer server = new CliHarness.RunningServer(
                "--listen", "127.0.0.1:0", "--root", root.toString())) {
            String base = "https://127.0.0.1:" + server.port();
            CliHarness.Run missing = CliHarness.run("get", "--insecure", base + "/missing.txt");
            assertThat(missing.exitCode()).isEqualTo(1);
            assertThat(missing.err()).contains("404").contains("FAILED");

            CliHarness.Run ok = CliHarness.run("get", "--insecure", base + "/");
            assertThat(ok.exitCode()).as(ok.err()).isZero();
            assertThat(new String(ok.stdoutBytes())).isEqualTo("hello");

            Path one = tmp.resolve("one.html");
            CliHarness.Run toFile = CliHarness.run("get", "--insecure", "-o", one.toString(), base + "/index.html");
            assertThat(toFile.exitCode()).isZero();
            assertThat(Files.readString(one)).isEqualTo("hello");
        }
    }

    @Test
    void unreachableServerFailsWithinTheTimeout() {
        CliHarness.Run run = CliHarness.run("get", "--insecure", "--timeout", "2", "https://127.0.0.1:9/x");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("FAILED");
    }

    /** A --cacert that is missing or not a certificate is named in the error, not just echoed as a bare path. */
    @Test
    void badCacertIsNamedInTheError() throws Exception {
        Path missing = tmp.resolve("missing-ca.pem");
        CliHarness.Run run = CliHarness.run("get", "--cacert", missing.toString(), "https://127.0.0.1:9/x");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("cannot read " + missing + ": no such file");
        Path notPem = Files.writeString(tmp.resolve("not-a-cert.pem"), "hello");
        CliHarness.Run bad = CliHarness.run("get", "--cacert", notPem.toString(), "https://127.0.0.1:9/x");
        assertThat(bad.err()).contains("cannot read " + notPem).contains("no CERTIFICATE");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(CliHarness.run("get").exitCode()).isEqualTo(2);
        assertThat(CliHarness.run("get", "--bogus", "https://localhost/").exitCode()).isEqualTo(2);
        assertThat(CliHarness.run("get", "-o", "x", "https://a/1", "https://a/2").exitCode()).isEqualTo(2);
        assertThat(CliHarness.run("get", "http://plain/").exitCode()).isEqualTo(2);
        assertThat(CliHarness.run("server", "--listen", "nope", "--root", ".").exitCode()).isEqualTo(2);
        assertThat(CliHarness.run("frobnicate").exitCode()).isEqualTo(2);
        assertThat(CliHarness.run().exitCode()).isEqualTo(2);
        CliHarness.Run help = CliHarness.run("get", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--output-dir").contains("--insecure");
        assertThat(CliHarness.run("stack-bench", "--help").out()).contains("--requests");
    }
}
