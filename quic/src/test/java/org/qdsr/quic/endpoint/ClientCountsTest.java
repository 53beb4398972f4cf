package org.qdsr.quic.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Who counts as one client for the per-client limit: an IPv4 address, an IPv6 /64. */
class ClientCountsTest {
    @Test
    void anIpv6SlashSixtyFourIsOneClientAndIpv4AddressesAreEach() throws Exception {
        ClientCounts counts = new ClientCounts(2);
        InetAddress k = counts.add(InetAddress.getByName("2001:db8:1:2::1"));
        counts.add(InetAddress.getByName("2001:db8:1:2:ffff::9"));
        assertThat(k).isEqualTo(InetAddress.getByName("2001:db8:1:2::"));
        assertThat(counts.atLimit(InetAddress.getByName("2001:db8:1:2:abcd::7"))).as("same /64").isTrue();
        assertThat(counts.atLimit(InetAddress.getByName("2001:db8:1:3::1"))).as("the next /64").isFalse();

        counts.add(InetAddress.getByName("198.18.0.2"));
        counts.add(InetAddress.getByName("198.18.0.2"));
        assertThat(counts.atLimit(InetAddress.getByName("198.18.0.2"))).isTrue();
        assertThat(counts.atLimit(InetAddress.getByName("198.18.0.3"))).isFalse();
        assertThat(counts.clients()).isEqualTo(2);

        counts.remove(k);
        assertThat(counts.atLimit(InetAddress.getByName("2001:db8:1:2::1"))).as("a place freed").isFalse();
        counts.remove(k);
        assertThat(counts.clients()).as("an empty client is forgotten").isEqualTo(1);
    }

    @Test
    void zeroLimitsNothing() throws Exception {
        ClientCounts off = new ClientCounts(0);
        assertThat(off.enabled()).isFalse();
        off.add(InetAddress.getByName("198.18.0.2"));
        assertThat(off.atLimit(InetAddress.getByName("198.18.0.2"))).isFalse();
    }
}
