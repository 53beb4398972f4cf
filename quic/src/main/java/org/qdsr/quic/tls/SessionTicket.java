package org.qdsr.quic.tls;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What a client keeps to resume a connection: agent15's serialized NewSessionTicket plus what
 * QUIC must remember alongside it for 0-RTT, namely the ALPN protocol and the server's transport
 * parameters (RFC 9000 §7.4.1, RFC 9001 §4.6.1).
 *
 * @param alpn the application protocol negotiated on the connection that issued the ticket
 * @param peerTransportParameters the server's encoded transport parameters from that connection
 * @param tlsTicket agent15's {@code NewSessionTicket.serialize()} output
 */
public record SessionTicket(String alpn, byte[] peerTransportParameters, byte[] tlsTicket) {
    private static final byte FORMAT_VERSION = 1;

    public SessionTicket {
        peerTransportParameters = peerTransportParameters.clone();
        tlsTicket = tlsTicket.clone();
    }

    @Override
    public byte[] peerTransportParameters() {
        return peerTransportParameters.clone();
    }

    @Override
    public byte[] tlsTicket() {
        return tlsTicket.clone();
    }

    /** Encodes as: version(1) alpnLength(1) alpn tpLength(4) tp ticketLength(4) ticket. */
    public byte[] encode() {
        byte[] name = alpn.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(
                2 + name.length + 4 + peerTransportParameters.length + 4 + tlsTicket.length);
        out.put(FORMAT_VERSION).put((byte) name.length).put(name);
        out.putInt(peerTransportParameters.length).put(peerTransportParameters);
        out.putInt(tlsTicket.length).put(tlsTicket);
        return out.array();
    }

    /** Decodes {@link #encode()} output; throws IllegalArgumentException if malformed. */
    public static SessionTicket decode(byte[] encoded) {
        try {
            ByteBuffer in = ByteBuffer.wrap(encoded);
            if (in.get() != FORMAT_VERSION) {
                throw new IllegalArgumentException("unknown session ticket format");
            }
            String alpn = new String(take(in, in.get() & 0xff), StandardCharsets.US_ASCII);
            byte[] tp = take(in, in.getInt());
            byte[] ticket = take(in, in.getInt());
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("trailing bytes after session ticket");
            }
            return new SessionTicket(alpn, tp, ticket);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated session ticket", e);
        }
    }

    private static byte[] take(ByteBuffer in, int length) {
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("bad length in session ticket");
        }
        byte[] out = new byte[length];
        in.get(out);
        return out;
    }
}
