package org.qdsr.control.message;

import java.net.InetSocketAddress;
import org.qdsr.quic.wire.ConnectionId;

/**
 * LB to RS: the client of connection {@code connectionKey} now sends from {@code peerAddress}
 * (NAT rebinding or connection migration, RFC 9000 §9), and the LB validated that address with
 * PATH_CHALLENGE/PATH_RESPONSE (RFC 9000 §8.2): every later datagram of that connection,
 * retransmissions included, goes there. Per RFC 9000 §9.4 the RS resets the path's congestion
 * controller and RTT estimate when the IP address changed, and keeps them when only the port did.
 *
 * <p>{@code pathConnectionId}, when not null: the client moved on purpose (active migration), and
 * the RS's isolated path sends under this fresh connection ID of the client's from now on (RFC
 * 9000 §9.5); the LB retired the old one. Null after a NAT rebinding, and for instructed streams
 * (their packets carry the ID each instruction names).
 *
 * <p>An optional extension (type 0x41): an RS that does not know it skips it and goes on sending
 * to the old address (what happened before the message existed). Wire form: varint
 * connectionKey, varint addressFamily (4 or 6), the address (4 or 16 bytes), varint port, then
 * optionally a connection ID (varint length 1..20, the ID); an older RS ignores the ID.
 */
public record PeerAddressUpdate(long connectionKey, InetSocketAddress peerAddress, ConnectionId pathConnectionId)
        implements ControlMessage {
    /** Address family codes on the wire. */
    public static final int IPV4 = WireAddress.IPV4;
    public static final int IPV6 = WireAddress.IPV6;

    public PeerAddressUpdate {
        Checks.varint(connectionKey, "connectionKey");
        peerAddress = WireAddress.check(peerAddress, "peerAddress");
        if (pathConnectionId != null && pathConnectionId.length() == 0) {
            throw new IllegalArgumentException("pathConnectionId: empty");
        }
    }

    /** An update that keeps the path's connection ID (NAT rebinding, instructed streams). */
    public PeerAddressUpdate(long connectionKey, InetSocketAddress peerAddress) {
        this(connectionKey, peerAddress, null);
    }

    /** 4 or 6. */
    public int addressFamily() {
        return WireAddress.family(peerAddress);
    }

    /**
     * Rebuilds the address from its wire fields; IllegalArgumentException if the family is not 4
     * or 6, the address length does not match it, or the port is above 65535.
     */
    static PeerAddressUpdate of(long connectionKey, long family, byte[] ip, long port, ConnectionId pathConnectionId) {
        return new PeerAddressUpdate(connectionKey, WireAddress.of(family, ip, port), pathConnectionId);
    }

    @Override
    public int typeCode() {
        return MessageType.PEER_ADDRESS_UPDATE;
    }
}
