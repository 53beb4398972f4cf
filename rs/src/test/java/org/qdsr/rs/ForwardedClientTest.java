package org.qdsr.rs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.qdsr.control.message.Header;

class ForwardedClientTest {
    @Test
    void readsTheFirstForOfTheForwardedField() {
        assertThat(ForwardedClient.of(List.of(new Header("accept", "*/*"),
                new Header("Forwarded", "for=\"198.18.0.2:50000\";proto=https;host=\"vip\""))))
                .isEqualTo(new InetSocketAddress("198.18.0.2", 50000));
        assertThat(ForwardedClient.parse("for=\"[2001:db8::1]:443\";proto=https, for=198.18.0.9"))
                .isEqualTo(new InetSocketAddress("2001:db8::1", 443));
        assertThat(ForwardedClient.parse("proto=https;FOR=\"198.18.0.3:1\"")).isEqualTo(new InetSocketAddress("198.18.0.3", 1));
    }

    @Test
    void anythingButAnIpLiteralWithAPortIsNoAddress() {
        for (String v : List.of("for=unknown", "for=_hidden", "for=\"198.18.0.2\"", "for=\"example.com:443\"",
                "for=\"198.18.0.2:99999\"", "for=\"[::1]\"", "for=\"[fe80::1%eth0]:1\"", "for=", "", "proto=https",
                "for=\"198.18.0.2:x\"", "for=\"1.2.3.4.5:1\"", "for=\"999.1.1.1:1\"", "for=\"[1:2]:3\"")) {
            assertThat(ForwardedClient.parse(v)).as(v).isNull();
        }
        assertThat(ForwardedClient.of(List.of(new Header("x-forwarded-for", "198.18.0.2")))).isNull();
    }
}
