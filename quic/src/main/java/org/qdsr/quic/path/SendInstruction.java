package org.qdsr.quic.path;

import org.qdsr.quic.wire.ConnectionId;

/**
 * One packet the load balancer numbers and a real server fills, seals and sends (QDSR's
 * {@code instructed} mode, for clients with one packet-number space): a 1-RTT packet (RFC 9000
 * §17.3.1) to {@code dcid} with packet number {@code packetNumber} encoded in {@code pnLength}
 * bytes and key phase {@code keyPhase} of write-key generation {@code keyGeneration}, whose payload
 * is {@code prefix} (frames the LB wants in this packet, possibly PADDING; often empty) followed by
 * one STREAM frame without a Length field (RFC 9000 §19.8: it extends to the end of the packet)
 * carrying bytes {@code [offset, offset+length)} of stream {@code streamId}, with FIN if {@code fin}.
 *
 * <p>{@link InstructedPacket} is the one encoding both sides use, so the size the LB accounts for
 * in recovery is exactly the size the RS sends.
 */
public record SendInstruction(long packetNumber, int pnLength, boolean keyPhase, long keyGeneration,
                              ConnectionId dcid, long streamId, long offset, int length, boolean fin,
                              byte[] prefix) {
    private static final byte[] NO_PREFIX = new byte[0];

    public SendInstruction {
        if (pnLength < 1 || pnLength > 4 || length < 0 || offset < 0 || packetNumber < 0) {
            throw new IllegalArgumentException("bad instruction: pn " + packetNumber + "/" + pnLength
                    + ", offset " + offset + ", length " + length);
        }
        prefix = prefix == null ? NO_PREFIX : prefix;
    }

    /** The datagram size this instruction produces (header, frames, AEAD tag). */
    public int datagramSize() {
        return InstructedPacket.datagramSize(this);
    }
}
