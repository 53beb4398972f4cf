package org.qdsr.quic.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * The preferred_address transport parameter (RFC 9000 §18.2): an IPv4 and an IPv6 address with
 * ports (all-zero when absent), a non-empty connection ID and its 16-byte stateless reset token.
 */
public record PreferredAddress(byte[] ipv4Address, int ipv4Port, byte[] ipv6Address, int ipv6Port,
        ConnectionId connectionId, byte[] statelessResetToken) {

    public PreferredAddress {
        if (ipv4Address.length != 4 || ipv6Address.length != 16 || statelessResetToken.length != 16
                || connectionId.length() < 1 || (ipv4Port & ~0xffff) != 0 || (ipv6Port & ~0xffff) != 0) {
            throw new IllegalArgumentException("bad preferred address");
        }
    }

    int encodedLength() {
        return 4 + 2 + 16 + 2 + 1 + connectionId.length() + 16;
    }

    void write(ByteWriter w) {
        w.writeBytes(ipv4Address).writeUint16(ipv4Port).writeBytes(ipv6Address).writeUint16(ipv6Port);
        w.writeUint8(connectionId.length()).writeBytes(connectionId.toBytes()).writeBytes(statelessResetToken);
    }

    static PreferredAddress read(ByteReader r) {
        byte[] v4 = r.readBytes(4);
        int v4Port = r.readUint16();
        byte[] v6 = r.readBytes(16);
        int v6Port = r.readUint16();
        int cidLength = r.readUint8();
        if (cidLength > ConnectionId.MAX_LENGTH) {
            throw new IllegalArgumentException("connection ID length " + cidLength);
        }
        ConnectionId cid = ConnectionId.of(r.readBytes(cidLength));
        return new PreferredAddress(v4, v4Port, v6, v6Port, cid, r.readBytes(16));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreferredAddress p && Arrays.equals(p.ipv4Address, ipv4Address)
                && p.ipv4Port == ipv4Port && Arrays.equals(p.ipv6Address, ipv6Address)
                && p.ipv6Port == ipv6Port && p.connectionId.equals(connectionId)
                && Arrays.equals(p.statelessResetToken, statelessResetToken);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ipv4Port, ipv6Port, connectionId);
    }

    @Override
    public String toString() {
        return "PreferredAddress[v4port=" + ipv4Port + ", v6port=" + ipv6Port + ", cid=" + connectionId + "]";
    }
}
