package org.qdsr.control.message;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * LB to RS: the client of connection {@code connectionKey} now sends from {@code peerAddress}
 * (NAT rebinding or connection migration, RFC 9000 §9), and the LB validated that address with
 * PATH_CHALLENGE/PATH_RESPONSE (RFC 9000 §8.2): every later datagram of that connection,
 * retransmissions included, goes there. Per RFC 9000 §9.4 the RS resets the path's congestion
 * controller and RTT estimate when the IP address changed, and keeps them when only the port did.
 *
 * <p>An optional extension (type 0x41): an RS that does not know it skips it and goes on sending
 * to the old address (what happened before the message existed). Wire form: varint
 * connectionKey, varint addressFamily (4 or 6), the address (4 or 16 bytes), varint port.
 */
public record PeerAddressUpdate(long connectionKey, InetSocketAddress peerAddress) implements ControlMessage {
    /** Address family codes on the wire. */
    public static final int IPV4 = 4;
    public static final int IPV6 = 6;

    public PeerAddressUpdate {
        Checks.varint(connectionKey, "connectionKey");
        Objects.requireNonNull(peerAddress, "peerAddress");
        if (peerAddress.isUnresolved()) {
            throw new IllegalArgumentException("peerAddress must be an IP address: " + peerAddress);
        }
        peerAddress = withoutHostName(peerAddress);
    }

    private static InetSocketAddress withoutHostName(InetSocketAddress a) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(a.getAddress().getAddress()), a.getPort());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address", e);
        }
    }

    /** 4 or 6. */
    public int addressFamily() {
        return peerAddress.getAddress() instanceof Inet4Address ? IPV4 : IPV6;
    }

    /**
     * Rebuilds the address from its wire fields; IllegalArgumentException if the family is not 4
     * or 6, the address length does not match it, or the port is above 65535.
     */
    static PeerAddressUpdate of(long connectionKey, long family, byte[] ip, long port) {
        int expected = family == IPV4 ? 4 : family == IPV6 ? 16 : -1;
        if (expected < 0) {
            throw new IllegalArgumentException("address family " + family);
        }
        if (ip.length != expected || port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("bad address length or port");
        }
        try {
            InetAddress a = family == IPV4 ? InetAddress.getByAddress(ip) : Inet6Address.getByAddress(null, ip, null);
            return new PeerAddressUpdate(connectionKey, new InetSocketAddress(a, (int) port));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address", e);
        }
    }

    /** The raw address bytes, 4 or 16 (an IPv4-mapped IPv6 address is sent as IPv4). */
    byte[] ipBytes() {
        return peerAddress.getAddress().getAddress();
    }

    @Override
    public int typeCode() {
        return MessageType.PEER_ADDRESS_UPDATE;
    }
}
