package org.qdsr.control.message;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An IP address and port as control messages carry them: varint family (4 or 6), the address
 * (4 or 16 bytes, network order; an IPv4-mapped IPv6 address goes as IPv4), varint port.
 */
final class WireAddress {
    static final int IPV4 = 4;
    static final int IPV6 = 6;

    private WireAddress() {
    }

    /** {@code a} checked (an IP, not a name) and without a host name. */
    static InetSocketAddress check(InetSocketAddress a, String what) {
        Objects.requireNonNull(a, what);
        if (a.isUnresolved()) {
            throw new IllegalArgumentException(what + " must be an IP address: " + a);
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(a.getAddress().getAddress()), a.getPort());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address", e);
        }
    }

    static int family(InetSocketAddress a) {
        return a.getAddress() instanceof Inet4Address ? IPV4 : IPV6;
    }

    static void write(FrameBuffer out, InetSocketAddress a) {
        out.varint(family(a));
        byte[] ip = a.getAddress().getAddress();
        out.bytes(ip, 0, ip.length);
        out.varint(a.getPort());
    }

    /**
     * Rebuilds an address from its wire fields; IllegalArgumentException if the family is not 4
     * or 6, the address length does not match it, or the port is above 65535.
     */
    static InetSocketAddress of(long family, byte[] ip, long port) {
        int expected = family == IPV4 ? 4 : family == IPV6 ? 16 : -1;
        if (expected < 0) {
            throw new IllegalArgumentException("address family " + family);
        }
        if (ip.length != expected || port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("bad address length or port");
        }
        try {
            InetAddress a = family == IPV4 ? InetAddress.getByAddress(ip) : Inet6Address.getByAddress(null, ip, null);
            return new InetSocketAddress(a, (int) port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address", e);
        }
    }
}
