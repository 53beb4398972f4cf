package org.qdsr.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.app.net.HostPort;
import org.qdsr.rs.RealServer;

class RsConfigTest {
    @TempDir
    Path dir;

    @Test
    void loadsTheShippedExample() throws Exception {
        RsConfig c = RsConfig.load(LbConfigTest.EXAMPLES.resolve("rs.yaml")).resolve();
        assertThat(c.name()).isEqualTo("rs1");
        assertThat(c.vip()).isEqualTo(new HostPort("127.0.0.1", 4433));
        assertThat(c.bind()).isEqualTo(RealServer.Bind.AUTO);
        assertThat(c.control().listen()).isEqualTo(new HostPort("127.0.0.1", 7001));
        assertThat(c.control().tlsDir()).isEqualTo(Path.of("/etc/qdsr/cluster"));
        assertThat(c.content()).isEqualTo(new RsConfig.Content(Path.of("/srv/www"), null, false));
        assertThat(c.metrics()).isEqualTo(new HostPort("127.0.0.1", 9101));
        assertThat(c.logFormat()).isEqualTo(LogFormat.JSON);
    }

    @Test
    void contentIsExactlyOneSource() throws Exception {
        assertError("content: {root: /a, synthetic: true}\n", "content: exactly one of root, origin or synthetic");
        assertError("content: {}\n", "content: exactly one of");
        assertError("content: {origin: \"ftp://x\"}\n", "content.origin: expected http://HOST:PORT");
        assertError("content: {rot: /a}\n", "content.rot: unknown key");
        assertError("bind: sometimes\n", "bind: unknown bind mode");
        assertError("control: {listen: nohost}\n", "control.listen: expected HOST:PORT");
        RsConfig origin = RsConfig.load(write("content: {origin: \"http://127.0.0.1:8080\"}\n"));
        assertThat(origin.content().origin()).isEqualTo(URI.create("http://127.0.0.1:8080"));
        assertError("content: {origin: \"http://127.0.0.1:8080\", origin-ca: /x.pem}\n",
                "content.origin-ca: only for an https:// origin");
        RsConfig tls = RsConfig.load(write("content: {origin: \"https://origin.example:8443\", origin-ca: /ca.pem}\n"));
        assertThat(tls.content()).isEqualTo(new RsConfig.Content(null, URI.create("https://origin.example:8443"), false,
                Path.of("/ca.pem")));
    }

    @Test
    void resolveAndFlags() throws Exception {
        Path f = write("vip: \"127.0.0.1:4433\"\ncontrol: {listen: \"127.0.0.1:7001\", insecure: true}\n");
        assertThatThrownBy(() -> RsConfig.load(f).resolve()).hasMessage(f + ": content: required: one of root DIR"
                + " (--root), origin URL (--origin) or synthetic: true (--synthetic)");
        RsConfig flags = new RsConfig("command line", "edge", null, RealServer.Bind.WILDCARD,
                Flags.control(new HostPort("127.0.0.1", 0), null, false), new RsConfig.Content(null, null, true),
                null, null, 4, false, "-");
        RsConfig c = RsConfig.load(f).overriddenBy(flags).resolve();
        assertThat(c.coreConfig().hyStart()).as("--hystart false").isFalse();
        assertThat(c.accessLog()).isEqualTo("-");
        assertThat(c.name()).isEqualTo("edge");
        assertThat(c.control().listen().port()).isZero();
        assertThat(c.control().isInsecure()).isTrue();
        assertThat(c.content().synthetic()).isTrue();
        assertThat(c.drainTimeout()).isEqualTo(java.time.Duration.ofSeconds(4));
        assertThatThrownBy(() -> RsConfig.load(write("vip: \"127.0.0.1:4433\"\ncontrol: {listen: \"127.0.0.1:7001\","
                + " insecure: true}\ncontent: {synthetic: true}\ndrain-timeout-seconds: -2\n")).resolve())
                .hasMessageContaining("drain-timeout-seconds (--drain-timeout): must be 0 or more, was -2");
        assertThat(c.bind()).isEqualTo(RealServer.Bind.WILDCARD);
        assertThatThrownBy(() -> RsConfig.empty("").resolve()).hasMessage("vip (--vip): required"
                + " (the load balancer's VIP:PORT to send from)");
    }

    @Test
    void hyStartKey() throws Exception {
        String base = "vip: \"127.0.0.1:4433\"\ncontrol: {listen: \"127.0.0.1:7001\", insecure: true}\n"
                + "content: {synthetic: true}\n";
        assertThat(RsConfig.load(write(base)).resolve().coreConfig().hyStart()).as("on by default").isTrue();
        assertThat(RsConfig.load(write(base + "hystart: false\n")).resolve().coreConfig().hyStart()).isFalse();
        assertThat(RsConfig.load(write(base + "hystart: true\n")).resolve().coreConfig().hyStart()).isTrue();
        assertError(base + "hystart: sometimes\n", "hystart");
    }

    private void assertError(String yaml, String expected) throws IOException {
        Path f = write(yaml);
        assertThatThrownBy(() -> RsConfig.load(f)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(f.toString()).hasMessageContaining(expected);
    }

    private int files;

    private Path write(String yaml) throws IOException {
        Path f = dir.resolve("rs" + (files++) + ".yaml");
        Files.writeString(f, yaml);
        return f;
    }
}
