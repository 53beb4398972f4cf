package org.qdsr.quic.path;

import org.qdsr.quic.wire.ByteWriter;
import org.qdsr.quic.wire.PacketHeaders;
import org.qdsr.quic.wire.VarInt;

/**
 * The byte layout of an instructed packet ({@link SendInstruction}), shared by the load balancer
 * (which accounts for its size) and the real server (which writes it): a short header
 * (RFC 9000 §17.3.1), the instruction's prefix frames, then a STREAM frame with the OFF bit as
 * needed and no LEN bit, so its data runs to the end of the packet (RFC 9000 §19.8).
 */
public final class InstructedPacket {
    /** AEAD tag length of every QUIC v1 cipher suite (RFC 9001 §5.3). */
    public static final int TAG = 16;
    private static final int STREAM_TYPE = 0x08;
    private static final int OFF_BIT = 0x04;
    private static final int FIN_BIT = 0x01;

    private InstructedPacket() {
    }

    /** Short header length: first byte, destination connection ID, truncated packet number. */
    public static int headerLength(int dcidLength, int pnLength) {
        return 1 + dcidLength + pnLength;
    }

    /** Length of the STREAM frame header without a Length field. */
    public static int streamFrameHeaderLength(long streamId, long offset) {
        return 1 + VarInt.size(streamId) + (offset > 0 ? VarInt.size(offset) : 0);
    }

    /**
     * PADDING bytes the prefix needs so that header protection has its sample (RFC 9001 §5.4.2:
     * at least 4 bytes from the start of the packet number to the end of the plaintext payload).
     */
    public static int paddingNeeded(int pnLength, int prefixLength, long streamId, long offset, int length) {
        int afterPn = prefixLength + streamFrameHeaderLength(streamId, offset) + length;
        return Math.max(0, 4 - pnLength - afterPn);
    }

    /** The size of the datagram an instruction produces. */
    public static int datagramSize(SendInstruction i) {
        return headerLength(i.dcid().length(), i.pnLength()) + i.prefix().length
                + streamFrameHeaderLength(i.streamId(), i.offset()) + i.length() + TAG;
    }

    /**
     * Writes the unprotected packet into {@code out} at 0, taking the stream bytes from
     * {@code data[dataOff..dataOff+length)}; returns the offset of the packet number. The
     * plaintext ends at {@code datagramSize(i) - TAG}.
     */
    static int write(SendInstruction i, byte[] data, int dataOff, byte[] out) {
        ByteWriter w = new ByteWriter(out, 0, out.length);
        int pnOffset = PacketHeaders.writeShortHeader(w, false, i.keyPhase(), i.dcid(), i.pnLength(), i.packetNumber());
        w.writeBytes(i.prefix(), 0, i.prefix().length);
        w.writeUint8(STREAM_TYPE | (i.offset() > 0 ? OFF_BIT : 0) | (i.fin() ? FIN_BIT : 0));
        w.writeVarInt(i.streamId());
        if (i.offset() > 0) {
            w.writeVarInt(i.offset());
        }
        w.writeBytes(data, dataOff, i.length());
        return pnOffset;
    }
}
