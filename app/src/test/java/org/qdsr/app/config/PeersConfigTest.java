package org.qdsr.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qdsr.app.net.HostPort;
import org.qdsr.lb.Peering;

/** The {@code lb-id}, {@code peers} and {@code forward-listen} keys and their flags. */
class PeersConfigTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path f = Files.createTempFile(dir, "lb", ".yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private Path secret() throws Exception {
        Path s = dir.resolve("vip.secret");
        Files.write(s, new byte[32]);
        return s;
    }

    @Test
    void yamlKeysBecomeThePeering() throws Exception {
        Path f = write("""
                listen: "127.0.0.1:4433"
                control: {insecure: true}
                backends: [{name: a, address: "127.0.0.1:7001"}]
                secret-file: "%s"
                lb-id: 1
                forward-listen: "127.0.0.1:7101"
                peers:
                  - {id: 2, address: "127.0.0.1:7102"}
                  - {id: 3, address: "127.0.0.1:7103"}
                """.formatted(secret()));
        LbConfig c = LbConfig.load(f).resolve();
        Peering p = c.peeringSettings();
        assertThat(p.lbId()).isEqualTo(1);
        assertThat(p.forwardListen()).isEqualTo(new InetSocketAddress("127.0.0.1", 7101));
        assertThat(p.peers()).isEqualTo(Map.of(2, new InetSocketAddress("127.0.0.1", 7102),
                3, new InetSocketAddress("127.0.0.1", 7103)));
    }

    @Test
    void flagsOverrideTheFile() throws Exception {
        Path f = write("""
                listen: "127.0.0.1:4433"
                control: {insecure: true}
                backends: [{name: a, address: "127.0.0.1:7001"}]
                lb-id: 1
                """);
        Peers flags = Peers.flags(4, List.of("5=127.0.0.1:7105"), "127.0.0.1:7104");
        LbConfig over = new LbConfig("command line", null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, secret(), flags, null, null, null, null);
        LbConfig c = LbConfig.load(f).overriddenBy(over).resolve();
        assertThat(c.peering()).isEqualTo(new Peers(4, List.of(new Peers.Peer(5, new HostPort("127.0.0.1", 7105))),
                new HostPort("127.0.0.1", 7104)));
        assertThat(LbConfig.load(f).resolve().peeringSettings()).isEqualTo(Peering.alone(1));
    }

    @Test
    void unusableCombinationsAreRefused() throws Exception {
        String base = """
                listen: "127.0.0.1:4433"
                control: {insecure: true}
                backends: [{name: a, address: "127.0.0.1:7001"}]
                """;
        String peer = "peers: [{id: 2, address: \"127.0.0.1:7102\"}]\n";
        String sec = "secret-file: \"" + secret() + "\"\n";
        assertThatThrownBy(() -> LbConfig.load(write(base + "lb-id: 1\nforward-listen: \"127.0.0.1:1\"\n" + peer))
                .resolve()).hasMessageContaining("secret");
        assertThatThrownBy(() -> LbConfig.load(write(base + sec + "forward-listen: \"127.0.0.1:1\"\n" + peer))
                .resolve()).hasMessageContaining("lb-id");
        assertThatThrownBy(() -> LbConfig.load(write(base + sec + "lb-id: 2\nforward-listen: \"127.0.0.1:1\"\n"
                + peer)).resolve()).hasMessageContaining("own id");
        assertThatThrownBy(() -> LbConfig.load(write(base + sec + "lb-id: 256\n")).resolve())
                .hasMessageContaining("0..255");
        assertThatThrownBy(() -> LbConfig.load(write(base + sec + "lb-id: 1\n" + peer)).resolve())
                .hasMessageContaining("forward-listen");
        assertThatThrownBy(() -> Peers.flags(1, List.of("127.0.0.1:7102"), null)).hasMessageContaining("ID=HOST:PORT");
    }
}
