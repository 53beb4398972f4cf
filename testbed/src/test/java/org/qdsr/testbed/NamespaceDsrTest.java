package org.qdsr.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real processes on a multi-host topology of network namespaces (client, lb, rs1, rs2 on one
 * bridge; VIP on the LB's eth0 and on the RSs' lo). Byte counts come from the kernel's interface
 * counters, so they show which host really sent the response bodies. Needs root and iproute2.
 */
class NamespaceDsrTest {
    private static final Duration START_WAIT = Duration.ofSeconds(20);
    private static final String VIP_URL = "https://" + Topology.VIP + ":4433/";
    private static final int CONTROL_PORT = 7000;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 100, unit = TimeUnit.SECONDS)
    void directServerReturnSendsBodiesFromTheRealServers() throws IOException {
        try (Topology topo = Topology.dsr(dir.resolve("run"), 2)) {
            Run run = fetchThroughLb(topo, null);
            long body = run.totalBodyBytes();
            assertThat(run.delta("rs1").txBytes() + run.delta("rs2").txBytes())
                    .as("RS tx bytes vs body bytes %d", body).isGreaterThanOrEqualTo(body);
            assertThat(run.delta("lb").txBytes()).as("LB tx bytes (DSR)").isLessThan(body / 20);
            assertThat(run.delta("lb").rxBytes()).as("LB rx bytes (bodies never pass the LB)")
                    .isLessThan(body / 20);
            assertThat(run.delta("client").rxBytes()).isGreaterThanOrEqualTo(body);
            assertVipResolvesToLb(topo);
        }
    }

    @Test
    @Timeout(value = 100, unit = TimeUnit.SECONDS)
    void proxyModeSendsBodiesThroughTheLb() throws IOException {
        try (Topology topo = Topology.dsr(dir.resolve("run"), 2)) {
            Run run = fetchThroughLb(topo, "proxy");
            long body = run.totalBodyBytes();
            assertThat(run.delta("lb").txBytes()).as("LB tx bytes (proxy)").isGreaterThanOrEqualTo(body);
            // the bodies reach the LB from the RSs over the control channel (TCP), so the RSs
            // still send them, but to the LB: the LB receives them all
            assertThat(run.delta("lb").rxBytes()).as("LB rx bytes (proxy)").isGreaterThanOrEqualTo(body);
            assertThat(run.delta("client").rxBytes()).isGreaterThanOrEqualTo(body);
            assertVipResolvesToLb(topo);
        }
    }

    private static void assertVipResolvesToLb(Topology topo) {
        String lbMac = topo.mac("lb");
        assertThat(topo.neighbourMac("client", Topology.VIP)).as("client's ARP entry for the VIP")
                .contains(lbMac);
        assertThat(lbMac).isNotEqualTo(topo.mac("rs1")).isNotEqualTo(topo.mac("rs2"));
    }

    /** Counters around one {@code qdsr get} of 20 files, with the bodies already compared. */
    private record Run(Map<String, LinkCounters> deltas, long totalBodyBytes) {
        LinkCounters delta(String host) {
            return deltas.get(host);
        }
    }

    private Run fetchThroughLb(Topology topo, String mode) throws IOException {
        QdsrJar qdsr = QdsrJar.locate();
        Files.createDirectories(topo.workDir());
        Path certs = topo.workDir().resolve("certs");
        Commands.run(qdsr.command("certs", "--out", certs.toString(), "--rs-names", "rs1,rs2")).orThrow();
        Path root = topo.workDir().resolve("root");
        List<String> names = writeFiles(root);
        for (String rs : List.of("rs1", "rs2")) {
            String control = topo.host(rs).address() + ":" + CONTROL_PORT;
            topo.start(rs, rs, qdsr.command("rs", "--control", control, "--vip", Topology.VIP + ":4433",
                    "--control-tls", certs.toString(), "--name", rs, "--root", root.toString(), "--bind", "EXACT"))
                    .awaitOutput("rs " + rs + ": control on", START_WAIT);
        }
        NsProcess lb = topo.start("lb", "lb", lbCommand(qdsr, topo, certs, mode));
        lb.awaitOutput("lb lb: listening on", START_WAIT);
        lb.awaitOutput("backend rs1 up", START_WAIT);
        lb.awaitOutput("backend rs2 up", START_WAIT);

        Path out = topo.workDir().resolve("out");
        List<String> get = new ArrayList<>(List.of("get", "--insecure", "--timeout", "30", "--output-dir",
                out.toString()));
        names.forEach(n -> get.add(VIP_URL + n));
        Map<String, LinkCounters> before = topo.counters();
        NsProcess client = topo.start("client", "get", qdsr.command(get.toArray(String[]::new)));
        int exit = client.waitFor(Duration.ofSeconds(60));
        Map<String, LinkCounters> after = topo.counters();
        assertThat(exit).as("qdsr get exit code; log:\n%s\nlb log:\n%s", client.output(), lb.output())
                .isZero();

        long total = assertSameBodies(root, out, names);
        Map<String, LinkCounters> deltas = new LinkedHashMap<>();
        after.forEach((h, c) -> deltas.put(h, c.minus(before.get(h))));
        print(mode == null ? "auto (isolated DSR)" : mode, total, deltas);
        return new Run(deltas, total);
    }

    private static List<String> lbCommand(QdsrJar qdsr, Topology topo, Path certs, String mode) {
        List<String> args = new ArrayList<>(List.of("lb", "--listen", Topology.VIP + ":4433", "--control-tls",
                certs.toString()));
        for (String rs : List.of("rs1", "rs2")) {
            args.add("--backend");
            args.add(rs + "=" + topo.host(rs).address() + ":" + CONTROL_PORT);
        }
        if (mode != null) {
            args.add("--mode");
            args.add(mode);
        }
        return qdsr.command(args.toArray(String[]::new));
    }

    /** 20 files with seeded random content: one of 5 MB, the rest from 1 byte to ~300 KB. */
    private static List<String> writeFiles(Path root) throws IOException {
        Files.createDirectories(root);
        Random random = new Random(42);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int size = i == 0 ? 5_000_000 : i == 1 ? 1 : random.nextInt(300_000);
            byte[] content = new byte[size];
            random.nextBytes(content);
            String name = i == 0 ? "big.bin" : "file" + i + ".bin";
            Files.write(root.resolve(name), content);
            names.add(name);
        }
        return names;
    }

    private static long assertSameBodies(Path root, Path out, List<String> names) throws IOException {
        long total = 0;
        for (String n : names) {
            byte[] expected = Files.readAllBytes(root.resolve(n));
            assertThat(out.resolve(n)).as("downloaded %s", n).exists();
            assertThat(Files.readAllBytes(out.resolve(n))).as("body of %s", n).isEqualTo(expected);
            total += expected.length;
        }
        return total;
    }

    private static void print(String mode, long total, Map<String, LinkCounters> deltas) {
        StringBuilder b = new StringBuilder("mode " + mode + ": body bytes " + total + "\n");
        b.append(String.format("%-8s %12s %12s %10s %10s%n", "host", "tx_bytes", "rx_bytes", "tx_pkts", "rx_pkts"));
        deltas.forEach((h, c) -> b.append(String.format("%-8s %12d %12d %10d %10d%n", h, c.txBytes(), c.rxBytes(),
                c.txPackets(), c.rxPackets())));
        System.out.print(b);
    }
}
