package org.qdsr.quic.wire;

/**
 * A parsed, still header-protected packet header (RFC 9000 §17). Offsets index the datagram array.
 *
 * @param type packet type
 * @param version QUIC version (0 for Version Negotiation; 1 for v1; short headers report 1)
 * @param dcid destination connection ID
 * @param scid source connection ID ({@link ConnectionId#EMPTY} for short headers)
 * @param token Initial token, or the Retry token for Retry packets; empty otherwise
 * @param start offset of the first byte
 * @param pnOffset offset of the (protected) packet number field; -1 for Retry and VN
 * @param end exclusive end of this packet (start of the next coalesced packet, RFC 9000 §12.2)
 * @param supportedVersions the versions listed by a Version Negotiation packet, else empty
 * @param retryTagOffset offset of the 16-byte Retry Integrity Tag (RFC 9001 §5.8), else -1
 */
public record ParsedHeader(PacketType type, long version, ConnectionId dcid, ConnectionId scid,
        byte[] token, int start, int pnOffset, int end, long[] supportedVersions,
        int retryTagOffset) {

    /** True for every packet type except ONE_RTT. */
    public boolean isLongHeader() {
        return type != PacketType.ONE_RTT;
    }
}
