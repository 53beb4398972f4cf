package org.qdsr.rs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
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
}
