package org.qdsr.testbed;

import java.util.List;
import java.util.Objects;

/**
 * One host on the testbed's L2 segment.
 *
 * @param name short host name (client, lb, rs1): also the switch-side interface name
 * @param address IPv4 address in 198.18.0.0/15 on the host's {@code eth0}
 * @param vipOnInterface addresses (/32) also put on {@code eth0}: the LB owns the VIP
 * @param vipOnLoopback addresses (/32) put on {@code lo} with ARP for them suppressed (a DSR
 *     real server, as in IPVS direct routing)
 * @param rate optional tbf rate limit on the host's egress (e.g. "200mbit"), or null
 */
public record HostSpec(String name, String address, List<String> vipOnInterface, List<String> vipOnLoopback,
        String rate) {
    public HostSpec {
        Objects.requireNonNull(name);
        if (!name.matches("[a-z][a-z0-9]{0,9}")) {
            throw new IllegalArgumentException("host name must be [a-z][a-z0-9]{0,9}: " + name);
        }
        Topology.requireBenchmarkRange(address);
        vipOnInterface.forEach(Topology::requireBenchmarkRange);
        vipOnLoopback.forEach(Topology::requireBenchmarkRange);
        vipOnInterface = List.copyOf(vipOnInterface);
        vipOnLoopback = List.copyOf(vipOnLoopback);
    }

    /** A plain host (no VIP, no rate limit). */
    public static HostSpec plain(String name, String address) {
        return new HostSpec(name, address, List.of(), List.of(), null);
    }

    /** The host owning the VIP on its interface (the load balancer). */
    public static HostSpec vipOwner(String name, String address, String vip) {
        return new HostSpec(name, address, List.of(vip), List.of(), null);
    }

    /** A DSR real server: the VIP on {@code lo}, ARP for it suppressed. */
    public static HostSpec dsrServer(String name, String address, String vip) {
        return new HostSpec(name, address, List.of(), List.of(vip), null);
    }

    /** This host with a tbf rate limit on its egress. */
    public HostSpec withRate(String newRate) {
        return new HostSpec(name, address, vipOnInterface, vipOnLoopback, newRate);
    }
}
