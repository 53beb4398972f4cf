package org.qdsr.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The namespaces, addresses, VIP placement, shaping and teardown, without QDSR processes. */
class TopologyTest {
    @TempDir
    Path dir;

    @Test
    void buildsTheDsrTopologyAndTearsItDown() throws Exception {
        List<String> namespaces;
        String rootBridgeNf = Commands.run(List.of("sysctl", "-n", "net.bridge.bridge-nf-call-iptables")).output();
        try (Topology topo = Topology.dsr(dir, 2)) {
            namespaces = topo.hostNames().stream().map(topo::namespace).toList();
            assertThat(namespaceList()).contains(namespaces.toArray(String[]::new)).contains(topo.namespace("sw"));
            assertThat(topo.exec("lb", "ip", "-4", "-o", "addr", "show", "dev", "eth0").output())
                    .contains("198.18.0.10/15").contains("198.18.0.100/32");
            for (String rs : List.of("rs1", "rs2")) {
                assertThat(topo.exec(rs, "ip", "-4", "-o", "addr", "show", "dev", "lo").output())
                        .contains("198.18.0.100/32");
                assertThat(topo.exec(rs, "sysctl", "-n", "net.ipv4.conf.all.arp_ignore").output().strip())
                        .isEqualTo("1");
                assertThat(topo.exec(rs, "sysctl", "-n", "net.ipv4.conf.all.arp_announce").output().strip())
                        .isEqualTo("2");
            }
            assertThat(topo.exec("client", "ip", "-4", "-o", "addr", "show").output()).doesNotContain("198.18.0.100");
            Commands.Result bridgeNf = Commands.run(Commands.inNamespace(topo.namespace("sw"),
                    List.of("sysctl", "-n", "net.bridge.bridge-nf-call-iptables")));
            if (bridgeNf.ok()) { // br_netfilter loaded: the switch must not run iptables on bridged frames
                assertThat(bridgeNf.output().strip()).isEqualTo("0");
                assertThat(Commands.run(List.of("sysctl", "-n", "net.bridge.bridge-nf-call-iptables")).output())
                        .as("the root namespace's setting is untouched").isEqualTo(rootBridgeNf);
            }
            topo.rateLimit("client", "100mbit", "32kb", "50ms");
            assertThat(topo.exec("client", "tc", "qdisc", "show", "dev", "eth0").output()).contains("tbf");
            Files.createDirectories(topo.workDir());
            NsProcess sleeper = topo.start("rs1", "sleeper", List.of("sleep", "60"));
            assertThat(sleeper.isAlive()).isTrue();
            topo.close();
            assertThat(sleeper.waitFor(Duration.ofSeconds(5))).isNotZero();
        }
        assertThat(namespaceList()).doesNotContain(namespaces.toArray(String[]::new));
    }

    @Test
    void refusesAddressesOutsideTheBenchmarkRange() {
        assertThatThrownBy(() -> HostSpec.plain("x", "10.0.0.1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("198.18.0.0/15");
        assertThatThrownBy(() -> HostSpec.plain("x", "198.20.0.1")).isInstanceOf(IllegalArgumentException.class);
        assertThat(HostSpec.plain("x", "198.19.255.1").address()).isEqualTo("198.19.255.1");
    }

    private static String namespaceList() {
        return Commands.check("ip", "netns", "list").output();
    }
}
