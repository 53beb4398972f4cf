package org.qdsr.control.message;

import java.util.ArrayList;
import java.util.List;
import org.qdsr.quic.path.SendInstruction;
import org.qdsr.quic.wire.ByteReader;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.quic.wire.TruncatedInputException;

/**
 * Bodies of the instructed-mode messages ({@link StreamReady}, {@link SendInstructions},
 * {@link SendReport}); see docs/control-protocol.md "Instructed mode". Encoding writes straight
 * into the frame buffer; decoding checks every bound before it allocates.
 */
final class InstructedCodec {
    /** Smallest encoding of one packet: seven one-byte fields. */
    private static final int MIN_PACKET_BYTES = 7;
    private static final byte[] NO_PREFIX = new byte[0];

    private InstructedCodec() {
    }

    static void write(FrameBuffer out, StreamReady s) {
        out.varint(s.connectionKey());
        out.varint(s.streamId());
        out.varint(s.readyOffset());
        out.u8(s.fin() ? 1 : 0);
        if (s.status() != 0) {
            out.varint(s.status());
        }
    }

    static void write(FrameBuffer out, SendInstructions s) {
        out.varint(s.connectionKey());
        out.varint(s.batchId());
        out.varint(s.keyGeneration());
        out.u8(s.keyPhase() ? 1 : 0);
        out.lengthPrefixed(s.dcid());
        int n = s.packetCount();
        out.varint(n);
        for (int i = 0; i < n; i++) {
            SendInstruction p = s.packet(i);
            out.varint(p.packetNumber());
            out.u8(p.pnLength());
            out.varint(p.streamId());
            out.varint(p.offset());
            out.varint(p.length());
            out.u8(p.fin() ? 1 : 0);
            out.lengthPrefixed(p.prefix());
        }
        int r = s.releaseCount();
        out.varint(r);
        for (int i = 0; i < r; i++) {
            out.varint(s.releasedStreamId(i));
            out.varint(s.releasedOffset(i));
        }
    }

    static void write(FrameBuffer out, SendReport s) {
        out.varint(s.connectionKey());
        out.varint(s.batchId());
        out.varint(s.sentCount());
        out.varint(s.queueDelayMicros());
        int n = s.failedCount();
        out.varint(n);
        for (int i = 0; i < n; i++) {
            out.varint(s.failedPacketNumber(i));
        }
        out.varint(s.failReason().code());
    }

    static StreamReady streamReady(ByteReader r) throws ControlProtocolException {
        long key = r.readVarInt();
        long stream = r.readVarInt();
        long offset = r.readVarInt();
        boolean fin = BodyDecoder.flag(r);
        if (!r.hasRemaining()) {
            return new StreamReady(key, stream, offset, fin);
        }
        long status = r.readVarInt();
        if (status != 0 && (status < 100 || status > 999)) {
            throw new ControlProtocolException("StreamReady status out of range: " + status);
        }
        return new StreamReady(key, stream, offset, fin, (int) status);
    }

    static SendInstructions sendInstructions(ByteReader r) throws ControlProtocolException {
        long key = r.readVarInt();
        long batch = r.readVarInt();
        long generation = r.readVarInt();
        boolean phase = BodyDecoder.flag(r);
        ConnectionId dcid = connectionId(r);
        int count = count(r, SendInstructions.MAX_PACKETS, MIN_PACKET_BYTES, "packet");
        List<SendInstruction> packets = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            packets.add(packet(r, generation, phase, dcid));
        }
        int releases = count(r, SendInstructions.MAX_RELEASES, 2, "release");
        long[] pairs = new long[2 * releases];
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = r.readVarInt();
        }
        return new SendInstructions(key, batch, generation, phase, dcid, packets, pairs);
    }

    static SendReport sendReport(ByteReader r) throws ControlProtocolException {
        long key = r.readVarInt();
        long batch = r.readVarInt();
        long sent = r.readVarInt();
        if (sent > SendInstructions.MAX_PACKETS) {
            throw new ControlProtocolException("sent count " + sent + " exceeds " + SendInstructions.MAX_PACKETS);
        }
        long delay = r.readVarInt();
        int failedCount = count(r, SendInstructions.MAX_PACKETS, 1, "failed packet");
        long[] failed = new long[failedCount];
        for (int i = 0; i < failedCount; i++) {
            failed[i] = r.readVarInt();
        }
        SendReport.FailReason reason = BodyDecoder.known(SendReport.FailReason.fromCode(r.readVarInt()), "failReason");
        return new SendReport(key, batch, sent, delay, failed, reason);
    }

    private static SendInstruction packet(ByteReader r, long generation, boolean phase, ConnectionId dcid)
            throws ControlProtocolException {
        long pn = r.readVarInt();
        int pnLength = r.readUint8();
        if (pnLength < 1 || pnLength > 4) {
            throw new ControlProtocolException("packet number length " + pnLength);
        }
        long stream = r.readVarInt();
        long offset = r.readVarInt();
        long length = r.readVarInt();
        if (length > SendInstructions.MAX_LENGTH) {
            throw new ControlProtocolException("packet stream length " + length);
        }
        boolean fin = BodyDecoder.flag(r);
        int prefixLength = r.readVarIntAsLength();
        if (prefixLength > SendInstructions.MAX_PREFIX) {
            throw new ControlProtocolException("prefix of " + prefixLength + " bytes");
        }
        byte[] prefix = prefixLength == 0 ? NO_PREFIX : r.readBytes(prefixLength);
        return new SendInstruction(pn, pnLength, phase, generation, dcid, stream, offset, (int) length, fin, prefix);
    }

    /** A varint-length-prefixed connection ID (at most 20 bytes). */
    static ConnectionId connectionId(ByteReader r) throws ControlProtocolException {
        int len = r.readVarIntAsLength();
        if (len > ConnectionId.MAX_LENGTH) {
            throw new ControlProtocolException("connection ID of " + len + " bytes");
        }
        if (len > r.remaining()) {
            throw new TruncatedInputException("connection ID");
        }
        ConnectionId id = ConnectionId.of(r.array(), r.position(), len);
        r.skip(len);
        return id;
    }

    /** A count field, bounded by {@code max} and by what the rest of the body can hold. */
    private static int count(ByteReader r, int max, int minBytesEach, String what) throws ControlProtocolException {
        long n = r.readVarInt();
        if (n > max) {
            throw new ControlProtocolException(what + " count " + n + " exceeds " + max);
        }
        if (n > r.remaining() / minBytesEach) {
            throw new ControlProtocolException(what + " count " + n + " exceeds the body");
        }
        return (int) n;
    }
}
