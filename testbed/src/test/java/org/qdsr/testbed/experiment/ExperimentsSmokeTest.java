package org.qdsr.testbed.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.testbed.Commands;
import org.qdsr.testbed.cli.TestbedMain;

/**
 * Every experiment end to end with {@code --smoke} through the real command ({@code qdsr testbed
 * run NAME --smoke --out DIR}): real namespaces, real qdsr processes. Needs root and iproute2 (fails,
 * never skips, without them). Checks the CSV columns and values, the PNG, the markdown table, and
 * that the run left no namespace or cgroup behind.
 */
class ExperimentsSmokeTest {
    private static final Map<String, List<String>> COLUMNS = Map.of(
            "lb-bottleneck", List.of("mode", "rs", "req_per_s", "goodput_mbit_s", "latency_p50_ms", "latency_p99_ms",
                    "requests", "failed"),
            "capacity", List.of("mode", "offered_req_per_s", "req_per_s", "goodput_mbit_s", "latency_p50_ms",
                    "latency_p99_ms", "failed", "dropped", "within_bound"),
            "latency", List.of("path", "size_bytes", "mode", "requests", "ttfb_p50_ms", "ttfb_p99_ms",
                    "latency_p50_ms", "latency_p99_ms", "failed"),
            "lb-cpu", List.of("mode", "body_bytes", "lb_cpu_s", "cpu_s_per_gb", "jit_s", "cpu_s_per_gb_without_jit",
                    "loop_s_per_gb", "control_io_s_per_gb", "gc_s_per_gb", "goodput_mbit_s"));
    /** Columns that must be positive in every row. */
    private static final Map<String, List<String>> POSITIVE = Map.of(
            "lb-bottleneck", List.of("req_per_s", "goodput_mbit_s", "latency_p50_ms", "requests"),
            "capacity", List.of("offered_req_per_s", "req_per_s", "goodput_mbit_s", "latency_p99_ms"),
            "latency", List.of("requests", "ttfb_p50_ms", "latency_p50_ms", "latency_p99_ms"),
            "lb-cpu", List.of("body_bytes", "lb_cpu_s", "cpu_s_per_gb", "goodput_mbit_s"));
    private static final Pattern NAMESPACES = Pattern.compile("testbed: namespaces \\[qdsr-([a-z0-9]{6})-");

    @TempDir
    Path dir;

    @BeforeAll
    static void needsRoot() {
        Commands.checkPrerequisites();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void lbBottleneck() throws IOException {
        Path out = runSmoke("lb-bottleneck", 3);
        assertThat(Files.readString(out.resolve("lb-bottleneck.md")))
                .contains("| rs | goodput isolated/proxy | goodput instructed/proxy | req/s isolated/proxy |");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void capacity() throws IOException {
        Path out = runSmoke("capacity", 3);
        assertThat(Files.readString(out.resolve("capacity.md"))).contains("capacity isolated/proxy")
                .contains("capacity instructed/proxy");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void latency() throws IOException {
        Path out = runSmoke("latency", 6);
        List<String> rows = Files.readAllLines(out.resolve("latency.csv"));
        assertThat(rows).as("the emulated 20 ms RTT path was measured").anyMatch(r -> r.startsWith("rtt20,"));
        for (String mode : List.of("proxy", "isolated", "instructed")) {
            double direct = p50(rows, "direct,10000," + mode);
            double emulated = p50(rows, "rtt20,10000," + mode);
            assertThat(emulated).as("%s: p50 over 20 ms RTT vs direct %s", mode, direct).isGreaterThan(direct)
                    .isGreaterThanOrEqualTo(20);
        }
        assertThat(Files.readString(out.resolve("latency.md"))).contains("ttfb p50 isolated/proxy")
                .contains("ttfb p50 instructed/proxy");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void lbCpu() throws IOException {
        Path out = runSmoke("lb-cpu", 3);
        assertThat(Files.readString(out.resolve("lb-cpu.md"))).contains("cpu/GB isolated/proxy")
                .contains("cpu/GB instructed/proxy").contains("cpu/GB without JIT isolated/proxy");
    }

    /** latency_p50_ms of the row starting with {@code key}. */
    private static double p50(List<String> rows, String key) {
        String row = rows.stream().filter(r -> r.startsWith(key + ",")).findFirst().orElseThrow();
        return Double.parseDouble(row.split(",")[6]);
    }

    private Path runSmoke(String name, int minRows) throws IOException {
        Path out = dir.resolve(name);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int exit;
        try (PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            exit = new TestbedMain(ps, ps).run("run", name, "--smoke", "--out", out.toString());
        }
        String output = log.toString(StandardCharsets.UTF_8);
        System.out.print(output);
        assertThat(exit).as("exit code; output:\n%s", output).isZero();
        assertCsv(name, out.resolve(name + ".csv"), minRows);
        assertPng(out.resolve(name + ".png"));
        String md = Files.readString(out.resolve(name + ".md"));
        assertThat(md).contains("| " + String.join(" | ", COLUMNS.get(name)) + " |").contains("|---|")
                .contains("(" + name + ".png)");
        assertNothingLeft(output);
        return out;
    }

    private static void assertCsv(String name, Path csv, int minRows) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = Arrays.asList(lines.get(0).split(","));
        assertThat(header).containsExactlyElementsOf(COLUMNS.get(name));
        List<String> rows = lines.subList(1, lines.size());
        assertThat(rows).as("rows of %s", csv).hasSizeGreaterThanOrEqualTo(minRows);
        for (String row : rows) {
            String[] cells = row.split(",");
            assertThat(cells).as("row %s", row).hasSize(header.size());
            for (String column : POSITIVE.get(name)) {
                double v = Double.parseDouble(cells[header.indexOf(column)]);
                assertThat(v).as("%s in row %s", column, row).isPositive();
            }
            if (header.contains("failed")) {
                assertThat(Long.parseLong(cells[header.indexOf("failed")])).as("failed in %s", row).isZero();
            }
        }
        for (String mode : List.of("proxy", "isolated", "instructed")) {
            assertThat(rows).as("mode %s measured", mode).anyMatch(r -> Arrays.asList(r.split(",")).contains(mode));
        }
    }

    private static void assertPng(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as("PNG %s", png).isNotNull();
        assertThat(img.getWidth()).isBetween(400, 4000);
        assertThat(img.getHeight()).isBetween(300, 4000);
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                colours.add(img.getRGB(x, y));
            }
        }
        assertThat(colours.size()).as("the chart draws text, axes and series colours").isGreaterThan(4);
    }

    /** The namespaces and cgroup of this run (by their random suffix) are gone. */
    static void assertNothingLeft(String output) {
        Matcher m = NAMESPACES.matcher(output);
        assertThat(m.find()).as("the run logs its namespaces:\n%s", output).isTrue();
        String prefix = "qdsr-" + m.group(1) + "-";
        String netns = Commands.run(List.of("ip", "netns", "list")).output();
        assertThat(netns).as("namespaces left").doesNotContain(prefix);
        assertThat(Path.of("/sys/fs/cgroup/cpu", prefix + "lb")).as("cgroup left").doesNotExist();
    }
}
