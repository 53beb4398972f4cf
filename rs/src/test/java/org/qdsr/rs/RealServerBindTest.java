package org.qdsr.rs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.qdsr.control.channel.ControlTls;
import org.qdsr.rs.content.SyntheticSource;
import org.junit.jupiter.api.Test;

/** DESIGN.md "Single-host and multi-host DSR": the send socket a real server binds for its VIP. */
class RealServerBindTest {
    @Test
    void ipv6LoopbackVipGetsTheIpv6Wildcard() {
        InetSocketAddress a = RealServer.bindAddress(new InetSocketAddress("::1", 4433), RealServer.Bind.AUTO);
        assertThat(a.getAddress()).isInstanceOf(Inet6Address.class);
        assertThat(a.getAddress().isAnyLocalAddress()).isTrue();
        assertThat(a.getPort()).isEqualTo(4433);
        InetSocketAddress w = RealServer.bindAddress(new InetSocketAddress("::1", 4433), RealServer.Bind.WILDCARD);
        assertThat(w.getAddress()).isInstanceOf(Inet6Address.class);
    }

    @Test
    void ipv4LoopbackVipGetsTheIpv4Wildcard() {
        InetSocketAddress a = RealServer.bindAddress(new InetSocketAddress("127.0.0.1", 4433), RealServer.Bind.AUTO);
        assertThat(a.getAddress()).isInstanceOf(Inet4Address.class);
        assertThat(a.getAddress().isAnyLocalAddress()).isTrue();
        assertThat(a.getPort()).isEqualTo(4433);
    }

    @Test
    void exactKeepsTheVip() {
        InetSocketAddress vip = new InetSocketAddress("::1", 4433);
        assertThat(RealServer.bindAddress(vip, RealServer.Bind.EXACT)).isEqualTo(vip);
    }

    /** A control port in use is reported with the control address ("Address already in use" alone names no socket). */
    @Test
    void busyControlPortNamesTheControlAddress() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress control = new InetSocketAddress("127.0.0.1", busy.getLocalPort());
            assertThatThrownBy(() -> RealServer.start(control, new InetSocketAddress("127.0.0.1", 0),
                    RealServer.Bind.WILDCARD, ControlTls.insecureLoopback(), "rs1", loop -> new SyntheticSource(),
                    RealServerCore.Config.defaults()))
                    .hasMessageContaining("control 127.0.0.1:" + busy.getLocalPort());
        }
    }
}
