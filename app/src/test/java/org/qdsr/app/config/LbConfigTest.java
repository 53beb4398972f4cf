package org.qdsr.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.qdsr.app.net.HostPort;
import org.qdsr.lb.LoadBalancerCore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LbConfigTest {
    /** The least a usable file holds: a listen address, plaintext loopback control, one backend. */
    private static final String MINIMAL = "listen: \"127.0.0.1:4433\"\ncontrol: {insecure: true}\nbackends:\n"
            + "  - {name: a, address: \"127.0.0.1:7001\"}\n";

    static final Path EXAMPLES = Path.of("..", "docs", "examples");

    @TempDir
    Path dir;

    @Test
    void loadsTheShippedExample() throws Exception {
        LbConfig c = LbConfig.load(EXAMPLES.resolve("lb.yaml")).resolve();
        assertThat(c.name()).isEqualTo("lb1");
        assertThat(c.listen()).isEqualTo(new HostPort("127.0.0.1", 4433));
        assertThat(c.mode()).isEqualTo(LoadBalancerCore.Mode.AUTO);
        assertThat(c.policy()).isEqualTo("round-robin");
        assertThat(c.cert()).isEqualTo(Path.of("/etc/qdsr/vip-cert.pem"));
        assertThat(c.control().tlsDir()).isEqualTo(Path.of("/etc/qdsr/cluster"));
        assertThat(c.control().isInsecure()).isFalse();
        assertThat(c.metrics()).isEqualTo(new HostPort("127.0.0.1", 9100));
        assertThat(c.logFormat()).isEqualTo(LogFormat.TEXT);
        assertThat(c.ackFrequency()).isTrue();
        assertThat(c.hyStart()).isTrue();
        assertThat(c.settings().connectionConfig().hyStart()).isTrue();
        assertThat(c.settings().connectionConfig().requestAckFrequency()).isTrue();
        assertThat(c.backends()).containsExactly(
                new LbConfig.Backend("rs1", new HostPort("127.0.0.1", 7001), 2),
                new LbConfig.Backend("rs2", new HostPort("127.0.0.1", 7002), 1),
                new LbConfig.Backend("static1", new HostPort("127.0.0.1", 7003), 1));
        assertThat(c.routes()).containsExactly(
                new LbConfig.Route("static.example.com", "/assets/", List.of("static1"), null),
                new LbConfig.Route(null, "/api/", List.of("rs1", "rs2"), "least-outstanding"),
                new LbConfig.Route(null, "/session/", List.of("rs1", "rs2"), "hash:cookie"));
        assertThat(c.router()).isNotNull();
    }

    @Test
    void unknownKeysAreErrorsNamingFileAndField() throws IOException {
        Path f = write("""
                listen: "127.0.0.1:4433"
                control: {insecure: true}
                backends:
                  - {name: a, address: "127.0.0.1:1", wieght: 2}
                """);
        assertThatThrownBy(() -> LbConfig.load(f)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(f + ": backends[0].wieght: unknown key")
                .hasMessageContaining("weight");
        Path top = write("listen: \"127.0.0.1:4433\"\nmetric: \"127.0.0.1:9\"\n");
        assertThatThrownBy(() -> LbConfig.load(top)).hasMessageStartingWith(top + ": metric: unknown key");
    }

    @Test
    void valuesAreChecked() throws IOException {
        assertError("listen: \"127.0.0.1:4433\"\nmode: sideways\n", "mode: unknown mode 'sideways'");
        assertError("policy: random\n", "policy: unknown policy random");
        assertError("backends:\n  - {name: a, address: \"h:1\", weight: 0}\n", "backends[0].weight: must be at least 1");
        assertError("backends:\n  - {name: a, address: \"nohost\"}\n", "backends[0].address: expected HOST:PORT");
        assertError("backends:\n  - {address: \"h:1\"}\n", "backends[0].name: required");
        assertError("backends:\n  - {name: a, address: \"h:1\", weight: two}\n", "backends[0].weight: expected an integer");
        assertError("routes:\n  - {path-prefix: api, backends: [a]}\n", "routes[0].path-prefix: must start with '/'");
        assertError("routes:\n  - {path-prefix: /api}\n", "routes[0].backends: required");
        assertError("control: {insecure: maybe}\n", "control.insecure: expected true or false");
        assertError("log-format: xml\n", "log-format: unknown log format 'xml'");
        assertError("ack-frequency: sometimes\n", "ack-frequency: expected true or false");
        assertError("hystart: maybe\n", "hystart: expected true or false");
        assertError("listen: a\nlisten: b\n", "not valid YAML");
        assertError("- just\n- a list\n", "top level: expected a mapping");
    }

    @Test
    void resolveChecksTheCombination() throws Exception {
        String base = "listen: \"127.0.0.1:4433\"\nbackends:\n  - {name: a, address: \"127.0.0.1:1\"}\n";
        assertResolveError(base, "control: exactly one of control.tls");
        assertResolveError(base + "control: {insecure: true, tls: /x}\n", "control: exactly one of");
        assertResolveError(base + "control: {insecure: true}\nroutes:\n  - {backends: [b]}\n",
                "routes[0].backends: no backend named 'b'");
        assertResolveError(base + "control: {insecure: true}\ntls: {cert: /c.pem}\n", "tls (--cert, --key): cert and key go together, got only cert");
        assertResolveError(base + "control: {insecure: true}\ndrain-timeout-seconds: -1\n",
                "drain-timeout-seconds (--drain-timeout): must be 0 or more, was -1");
        assertResolveError("control: {insecure: true}\nbackends:\n  - {name: a, address: \"h:1\"}\n",
                "listen (--listen): required");
        assertResolveError("listen: \"h:1\"\ncontrol: {insecure: true}\n", "backends (--backend): at least one backend");
        LbConfig ok = LbConfig.load(write(base + "control: {insecure: true}\n")).resolve();
        assertThat(ok.ackFrequency()).as("on unless turned off").isTrue();
        assertThat(ok.drainTimeout()).isEqualTo(java.time.Duration.ofSeconds(LbConfig.DEFAULT_DRAIN_TIMEOUT_SECONDS));
        LbConfig off = LbConfig.load(write(base + "control: {insecure: true}\nack-frequency: false\n")).resolve();
        assertThat(off.settings().connectionConfig().requestAckFrequency()).isFalse();
        assertThat(off.settings().mode()).isEqualTo(LoadBalancerCore.Mode.AUTO);
        assertThat(off.settings().connectionConfig().hyStart()).as("HyStart++ on unless turned off").isTrue();
        assertThat(ok.hyStart()).isTrue();
        LbConfig noHyStart = LbConfig.load(write(base + "control: {insecure: true}\nhystart: false\n")).resolve();
        assertThat(noHyStart.settings().connectionConfig().hyStart()).isFalse();
        assertThat(noHyStart.settings().connectionConfig().requestAckFrequency()).isTrue();
        assertThat(ok.name()).isEqualTo("lb");
        assertThat(ok.mode()).isEqualTo(LoadBalancerCore.Mode.AUTO);
        assertThat(ok.policy()).isEqualTo("round-robin");
        assertThat(ok.routes()).isEmpty();
        assertThat(ok.metrics()).isNull();
    }

    @Test
    void retryAndMaxConnections() throws Exception {
        String base = MINIMAL;
        LbConfig defaults = LbConfig.load(write(base)).resolve();
        assertThat(defaults.settings().retryThreshold()).isEqualTo(LoadBalancerCore.Settings.DEFAULT_RETRY_THRESHOLD);
        assertThat(defaults.settings().maxConnections()).isEqualTo(LoadBalancerCore.Settings.DEFAULT_MAX_CONNECTIONS);
        assertThat(LbConfig.load(write(base + "retry: always\n")).resolve().settings().retryThreshold()).isZero();
        assertThat(LbConfig.load(write(base + "retry: never\n")).resolve().settings().retryThreshold())
                .isEqualTo(org.qdsr.quic.endpoint.QuicServerEndpoint.Settings.NEVER_RETRY);
        LbConfig n = LbConfig.load(write(base + "retry: 50\nmax-connections: 200\n")).resolve();
        assertThat(n.settings().retryThreshold()).isEqualTo(50);
        assertThat(n.settings().maxConnections()).isEqualTo(200);
        assertThatThrownBy(() -> LbConfig.load(write(base + "retry: often\n"))).hasMessageContaining(
                "retry: expected always, never or a number of handshakes in progress (0 or more), got 'often'");
        assertThatThrownBy(() -> LbConfig.load(write(base + "max-connections: 0\n")).resolve())
                .hasMessageContaining("max-connections (--max-connections): must be 1 or more, was 0");
    }

    @Test
    void coalescingWindowFromTheFileOrTheFlag() throws Exception {
        String base = MINIMAL;
        assertThat(LbConfig.load(write(base)).resolve().coalesceNanos()).as("default")
                .isEqualTo(LbConfig.DEFAULT_COALESCE_MICROS * 1000L);
        assertThat(LbConfig.load(write(base + "coalesce-us: 0\n")).resolve().coalesceNanos()).as("off").isZero();
        LbConfig flags = new LbConfig("command line", null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, 750, null, null);
        assertThat(LbConfig.load(write(base + "coalesce-us: 300\n")).overriddenBy(flags).resolve().coalesceNanos())
                .as("the flag wins").isEqualTo(750_000);
        assertThatThrownBy(() -> LbConfig.load(write(base + "coalesce-us: 10001\n")).resolve())
                .hasMessageContaining("coalesce-us (--coalesce-us): must be 0..10000 microseconds, was 10001");
        assertThatThrownBy(() -> LbConfig.load(write(base + "coalesce-us: -1\n")).resolve())
                .hasMessageContaining("coalesce-us (--coalesce-us)");
    }

    @Test
    void zeroRttIsAcceptedUnlessTheFileOrTheFlagSaysNo() throws Exception {
        String base = MINIMAL;
        assertThat(LbConfig.load(write(base)).resolve().earlyData()).as("default").isTrue();
        assertThat(LbConfig.load(write(base + "early-data: false\n")).resolve().earlyData()).isFalse();
        LbConfig flags = new LbConfig("command line", null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, true, null);
        assertThat(LbConfig.load(write(base + "early-data: false\n")).overriddenBy(flags).resolve().earlyData())
                .as("the flag wins").isTrue();
        assertThatThrownBy(() -> LbConfig.load(write(base + "early-data: sometimes\n")))
                .hasMessageContaining("early-data");
    }

    @Test
    void connectionsPerClientAreUnlimitedUnlessSet() throws Exception {
        String base = MINIMAL;
        assertThat(LbConfig.load(write(base)).resolve().settings().maxConnectionsPerClient()).isZero();
        assertThat(LbConfig.load(write(base + "max-connections-per-client: 8\n")).resolve().settings()
                .maxConnectionsPerClient()).isEqualTo(8);
        assertThatThrownBy(() -> LbConfig.load(write(base + "max-connections-per-client: -1\n")).resolve())
                .hasMessageContaining("max-connections-per-client (--max-connections-per-client): must be 0");
    }

    @Test
    void endpointSecretFromTheControlFolderOrAFile() throws Exception {
        Path tlsDir = Files.createDirectories(dir.resolve("cluster"));
        String base = "listen: \"127.0.0.1:4433\"\ncontrol: {tls: " + tlsDir + "}\nbackends:\n"
                + "  - {name: a, address: \"127.0.0.1:7001\"}\n";
        assertThat(LbConfig.load(write(base)).resolve().secretFile()).as("no vip.secret there").isNull();
        byte[] secret = new byte[32];
        secret[0] = 7;
        Files.write(tlsDir.resolve(LbConfig.SECRET_FILE_NAME), secret);
        LbConfig found = LbConfig.load(write(base)).resolve();
        assertThat(found.secretFile()).isEqualTo(tlsDir.resolve("vip.secret"));
        assertThat(found.settings().endpointSecret()).isEqualTo(secret);

        Path other = dir.resolve("other.secret");
        Files.write(other, new byte[40]);
        LbConfig explicit = LbConfig.load(write(base + "secret-file: " + other + "\n")).resolve();
        assertThat(explicit.settings().endpointSecret()).as("the file named wins").hasSize(40);

        Path shortFile = dir.resolve("short.secret");
        Files.write(shortFile, new byte[16]);
        assertThatThrownBy(() -> LbConfig.load(write(base + "secret-file: " + shortFile + "\n")).resolve().settings())
                .hasMessageContaining("secret-file (--secret-file): " + shortFile + " has 16 bytes, needs at least 32");
        assertThat(explicit.settings().toString()).as("never the secret").contains("endpointSecret=set")
                .doesNotContain("[B@");
    }

    @Test
    void accessLogFromTheFileOrTheFlag() throws Exception {
        String base = MINIMAL;
        assertThat(LbConfig.load(write(base)).resolve().accessLog()).as("off by default").isNull();
        Path file = dir.resolve("lb.access.log");
        LbConfig fromFile = LbConfig.load(write(base + "access-log: " + file + "\n")).resolve();
        assertThat(fromFile.accessLog()).isEqualTo(file.toString());
        LbConfig flags = new LbConfig("command line", null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, "-", null, null, null);
        assertThat(LbConfig.load(write(base + "access-log: " + file + "\n")).overriddenBy(flags).resolve().accessLog())
                .as("the flag wins").isEqualTo("-");
        fromFile.checkReferences(LbConfig.empty(""));
        LbConfig nowhere = LbConfig.load(write(base + "access-log: " + dir.resolve("no/such/dir/x.log") + "\n"))
                .resolve();
        assertThatThrownBy(() -> nowhere.checkReferences(LbConfig.empty(""))).hasMessageContaining("access-log");
        assertThatThrownBy(() -> nowhere.checkReferences(flags)).as("named as the flag when the flag set it")
                .hasMessageContaining("--access-log");
    }

    @Test
    void flagsOverrideFileValues() throws Exception {
        LbConfig file = LbConfig.load(EXAMPLES.resolve("lb.yaml"));
        LbConfig flags = new LbConfig("command line", null, new HostPort("127.0.0.1", 5555),
                LoadBalancerCore.Mode.PROXY, null,
                Flags.backends(List.of("x=127.0.0.1:9*3")), null,
                Flags.control(null, null, true), null, null, null, LogFormat.JSON, null, false, 3, 0, null, null, null, null, null, null, null, null);
        LbConfig c = file.overriddenBy(flags);
        assertThat(c.listen().port()).isEqualTo(5555);
        assertThat(c.mode()).isEqualTo(LoadBalancerCore.Mode.PROXY);
        assertThat(c.name()).isEqualTo("lb1");
        assertThat(c.backends()).containsExactly(new LbConfig.Backend("x", new HostPort("127.0.0.1", 9), 3));
        assertThat(file.drainTimeoutSeconds()).isEqualTo(10);
        assertThat(c.drainTimeoutSeconds()).as("the flag wins").isEqualTo(3);
        assertThat(c.retryThreshold()).as("--retry always").isZero();
        assertThat(file.retryThreshold()).isNull();
        assertThat(c.control().isInsecure()).isTrue();
        assertThat(c.control().tlsDir()).isNull();
        assertThat(c.logFormat()).isEqualTo(LogFormat.JSON);
        assertThat(c.hyStart()).as("--hystart false over the file's true").isFalse();
        assertThat(c.metrics().port()).isEqualTo(9100);
        // the file's routes name rs1/rs2/static1, which the flags' backends replaced: resolve says so
        assertThatThrownBy(c::resolve).hasMessage(EXAMPLES.resolve("lb.yaml")
                + ": routes[0].backends: no backend named 'static1' (known: [x])");
    }

    @Test
    void emptyFileIsEmptyConfig() throws Exception {
        LbConfig c = LbConfig.load(write(""));
        assertThat(c.listen()).isNull();
        assertThat(c.backends()).isNull();
    }

    private void assertError(String yaml, String expected) throws IOException {
        Path f = write(yaml);
        assertThatThrownBy(() -> LbConfig.load(f)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(f.toString()).hasMessageContaining(expected);
    }

    private void assertResolveError(String yaml, String expected) throws IOException {
        Path f = write(yaml);
        assertThatThrownBy(() -> LbConfig.load(f).resolve()).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(f.toString()).hasMessageContaining(expected);
    }

    private int files;

    private Path write(String yaml) throws IOException {
        Path f = dir.resolve("lb" + (files++) + ".yaml");
        Files.writeString(f, yaml);
        return f;
    }
}
