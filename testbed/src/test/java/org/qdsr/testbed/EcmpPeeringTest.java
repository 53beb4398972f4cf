package org.qdsr.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.rs.content.SyntheticSource;

/**
 * Two load balancers for one VIP behind an ECMP route, on real kernels (network namespaces): an LB
 * taken out of the ECMP set mid-download keeps serving its connection through its peer.
 *
 * <p>Hosts ({@link Topology#ecmp}): client, lba (lb-id 1), lbb (lb-id 2), rs1, rs2 on one
 * bridge; the VIP on every LB's and RS's loopback, ARP for it suppressed; the client's route to the
 * VIP has both LBs as next hops, hashed on the 4-tuple. Both LBs share the control TLS folder (so
 * the same {@code vip.secret}), are each other's peer and have both RSs as backends. The client
 * ({@code qdsr get}) downloads {@value #BODY} synthetic bytes ({@value #PROXY_BODY} in proxy mode);
 * once {@value #SWITCH_AT} have arrived the test finds the LB holding the connection (its {@code
 * qdsr_lb_active_connections}) and replaces the client's route with one through the other LB only,
 * as a router does when an LB leaves the ECMP set. The body must arrive byte-exact, every datagram
 * the other LB received for the connection reaches the holding LB in an envelope, and nobody sends
 * a stateless reset; a new connection then lands on the other LB and is served there without
 * forwarding. Without {@code --peer} the same move ends the connection with a stateless reset
 * (the control case).
 *
 * <p>A case takes 20-50 s on a loaded 2-core machine, 10-22 s of it starting the JVMs. Needs root
 * and iproute2 (fails, never skips, without them) and curl (scrapes the LBs' metrics inside their
 * namespaces). Timings and counters: {@code target/surefire-reports/*-output.txt}.
 */
class EcmpPeeringTest {
    private static final long BODY = 100_000_000L;
    /** Proxy mode relays every byte through the LB: a smaller body keeps the case short. */
    private static final long PROXY_BODY = 40_000_000L;
    /** Bytes the client must have written before the route changes. */
    private static final long SWITCH_AT = 10_000_000L;
    /** No tbf limit on the RSs: the machine's CPU already makes the download last seconds. */
    private static final String RS_RATE = null;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void isolatedConnectionSurvivesItsLbLeavingTheEcmpSet() throws IOException {
        survivesLeavingTheEcmpSet("isolated");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void proxiedConnectionSurvivesItsLbLeavingTheEcmpSet() throws IOException {
        survivesLeavingTheEcmpSet("proxy");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void withoutPeeringTheMovedConnectionGetsAStatelessReset() throws IOException {
        long t0 = System.nanoTime();
        try (EcmpRig rig = EcmpRig.start(dir.resolve("run"), "isolated", false, RS_RATE)) {
            long t1 = System.nanoTime();
            Path out = rig.topo.workDir().resolve("body.bin");
            NsProcess get = rig.get("get", out, BODY);
            String holder = rig.awaitHolder(get, out, SWITCH_AT);
            String other = rig.other(holder);
            long t2 = System.nanoTime();
            rig.topo.routeVip("client", List.of(other));
            int exit = get.waitFor(Duration.ofSeconds(60));
            long t3 = System.nanoTime();
            Map<String, Double> m = rig.metrics(other);
            long resets = EcmpRig.sum(m, "qdsr_lb_stateless_resets_total");
            String why = String.format("%s sent %d stateless resets for the %d datagrams it received on the VIP"
                    + " (a reset is only sent for a datagram of at least QuicServerEndpoint's MIN_STATELESS_RESET_TRIGGER"
                    + " bytes; ACK-only packets are shorter); client log:%n%s%s", other, resets,
                    EcmpRig.sum(m, "qdsr_lb_vip_received_datagrams_total"), get.output(), rig.logs());
            assertThat(exit).as("qdsr get exit code without peering; %s", why).isNotZero();
            assertThat(get.output()).as("the client reports the stateless reset; %s", why)
                    .contains("stateless reset");
            assertThat(resets).as("resets sent by %s", other).isPositive();
            assertThat(Files.size(out)).as("bytes written before the reset").isLessThan(BODY);
            assertThat(EcmpRig.sum(m, "qdsr_lb_peer_forwarded_total")).isZero();
            System.out.printf("no peering: %s held the connection, %s reset it after %d of %d bytes; start %.1f s,"
                    + " until the switch %.1f s, until the client exited %.1f s%n", holder, other, Files.size(out), BODY,
                    (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
        }
    }

    private void survivesLeavingTheEcmpSet(String mode) throws IOException {
        long body = mode.equals("proxy") ? PROXY_BODY : BODY;
        long t0 = System.nanoTime();
        try (EcmpRig rig = EcmpRig.start(dir.resolve("run"), mode, true, RS_RATE)) {
            System.out.printf("mode %s: start %.1f s%n", mode, (System.nanoTime() - t0) / 1e9);
            Path out = rig.topo.workDir().resolve("body.bin");
            long started = System.nanoTime();
            NsProcess get = rig.get("get", out, body);
            String holder = rig.awaitHolder(get, out, SWITCH_AT);
            String other = rig.other(holder);
            long atSwitch = Files.size(out);
            Map<String, LinkCounters> before = rig.topo.counters();
            rig.topo.routeVip("client", List.of(other));
            int exit = get.waitFor(Duration.ofSeconds(60));
            Map<String, LinkCounters> after = rig.topo.counters();
            String why = "client log:\n" + get.output() + rig.logs();
            assertThat(exit).as("qdsr get exit code after %s left the ECMP set; %s", holder, why).isZero();
            assertSyntheticBody(out, body);
            assertThat(atSwitch).as("bytes before the switch").isLessThan(body);
            assertDataPath(mode, holder, other, body - atSwitch, InteropRig.deltas(before, after));

            Map<String, Double> h = rig.metrics(holder);
            Map<String, Double> o = rig.metrics(other);
            long forwarded = EcmpRig.sum(o, "qdsr_lb_peer_forwarded_total");
            long received = EcmpRig.sum(h, "qdsr_lb_peer_received_total");
            assertThat(forwarded).as("datagrams %s passed to %s; %s", other, holder, why).isPositive();
            assertThat(received).as("envelopes %s took from %s (forwarded %d)", holder, other, forwarded)
                    .isPositive().isLessThanOrEqualTo(forwarded).isGreaterThanOrEqualTo(forwarded * 95 / 100);
            for (Map<String, Double> m : List.of(h, o)) {
                assertThat(EcmpRig.sum(m, "qdsr_lb_stateless_resets_total")).as("stateless resets; %s", why).isZero();
                assertThat(EcmpRig.sum(m, "qdsr_lb_peer_rejected_total")).as("rejected envelopes; %s", why).isZero();
            }
            assertThat(EcmpRig.sum(h, "qdsr_lb_connections_total")).isEqualTo(1);
            assertThat(EcmpRig.sum(o, "qdsr_lb_connections_total")).isZero();
            assertThat(after.get(holder).rxPackets() - before.get(holder).rxPackets())
                    .as("%s still receives (the envelopes)", holder).isGreaterThanOrEqualTo(received);
            String report = String.format("mode %s: %s held the connection; route moved to %s after %d of %d bytes;"
                    + " %s forwarded %d datagrams, %s received %d; %.1f s%n", mode, holder, other, atSwitch, body,
                    other, forwarded, holder, received, (System.nanoTime() - started) / 1e9);
            System.out.print(report + table(InteropRig.deltas(before, after)));

            newConnectionIsServedWhereItLands(rig, holder, other, forwarded, received);
        }
    }

    /**
     * After the switch the responses still leave from where they did before (the RSs in isolated
     * mode, the holding LB in proxy mode) and nothing of them passes the other LB. {@code rest}
     * counts from what was on the client's disk just before the counters were read, so what was in
     * flight or buffered then (sent before the counters, counted after) is allowed for: 90 %.
     */
    private static void assertDataPath(String mode, String holder, String other, long rest,
                                       Map<String, LinkCounters> d) {
        long most = rest * 9 / 10;
        long rsTx = d.get("rs1").txBytes() + d.get("rs2").txBytes();
        assertThat(d.get(other).txBytes()).as("%s tx bytes after the switch (forwards only)", other)
                .isLessThan(rest / 20);
        if (mode.equals("proxy")) {
            assertThat(d.get(holder).txBytes()).as("%s tx bytes (proxy)", holder).isGreaterThanOrEqualTo(most);
        } else {
            assertThat(rsTx).as("RS tx bytes after the switch (DSR)").isGreaterThanOrEqualTo(most);
            assertThat(d.get(holder).txBytes()).as("%s tx bytes (DSR)", holder).isLessThan(rest / 20);
        }
        assertThat(d.get("client").rxBytes()).isGreaterThanOrEqualTo(most);
    }

    /** A second client connection, with the route through {@code other} only, is {@code other}'s own. */
    private static void newConnectionIsServedWhereItLands(EcmpRig rig, String holder, String other, long forwarded,
                                                          long received) throws IOException {
        Path out2 = rig.topo.workDir().resolve("second.bin");
        long size = 3_000_000;
        NsProcess second = rig.get("get2", out2, size);
        int exit = second.waitFor(Duration.ofSeconds(30));
        String why = "client log:\n" + second.output() + rig.logs();
        assertThat(exit).as("second qdsr get; %s", why).isZero();
        assertSyntheticBody(out2, size);
        Map<String, Double> h = rig.metrics(holder);
        Map<String, Double> o = rig.metrics(other);
        assertThat(EcmpRig.sum(o, "qdsr_lb_connections_total")).as("connections accepted by %s", other).isEqualTo(1);
        assertThat(EcmpRig.sum(h, "qdsr_lb_connections_total")).as("connections accepted by %s", holder).isEqualTo(1);
        assertThat(EcmpRig.sum(o, "qdsr_lb_peer_forwarded_total")).as("no forwarding for %s's own connection", other)
                .isEqualTo(forwarded);
        assertThat(EcmpRig.sum(h, "qdsr_lb_peer_received_total")).isEqualTo(received);
        assertThat(EcmpRig.sum(o, "qdsr_lb_stateless_resets_total")).isZero();
    }

    private static String table(Map<String, LinkCounters> deltas) {
        StringBuilder b = new StringBuilder(String.format("%-8s %12s %12s %10s %10s%n", "host", "tx_bytes",
                "rx_bytes", "tx_pkts", "rx_pkts"));
        deltas.forEach((h, c) -> b.append(String.format("%-8s %12d %12d %10d %10d%n", h, c.txBytes(), c.rxBytes(),
                c.txPackets(), c.rxPackets())));
        return b.toString();
    }

    /** The file holds exactly {@code size} bytes of {@link SyntheticSource}'s pattern. */
    static void assertSyntheticBody(Path file, long size) throws IOException {
        assertThat(Files.size(file)).as("size of %s", file).isEqualTo(size);
        byte[] got = new byte[1 << 20];
        byte[] want = new byte[1 << 20];
        long offset = 0;
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.readNBytes(got, 0, got.length)) > 0) {
                SyntheticSource.fill(offset, want, 0, n);
                for (int i = 0; i < n; i++) {
                    if (got[i] != want[i]) {
                        throw new AssertionError("body of " + file + " differs at byte " + (offset + i));
                    }
                }
                offset += n;
            }
        }
        assertThat(offset).isEqualTo(size);
    }
}
