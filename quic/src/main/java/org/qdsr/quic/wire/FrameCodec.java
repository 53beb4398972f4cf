package org.qdsr.quic.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;

/**
 * Parses and writes frames (RFC 9000 §12.4, §19; draft-ietf-quic-multipath-21 §8;
 * draft-ietf-quic-ack-frequency-14 §4, §5). Parsing
 * errors are always {@link QuicException}: FRAME_ENCODING_ERROR for unknown types, truncated or
 * invalid fields; PROTOCOL_VIOLATION for a frame not permitted in the packet type (Table 3).
 */
public final class FrameCodec {
    private FrameCodec() {
    }

    /** Parses every frame of a decrypted packet payload; an empty payload is PROTOCOL_VIOLATION (§12.4). */
    public static List<Frame> parseAll(byte[] payload, int off, int len, PacketType packetType)
            throws QuicException {
        if (len <= 0) {
            throw new QuicException(TransportError.PROTOCOL_VIOLATION, "packet without frames");
        }
        ByteReader r = new ByteReader(payload, off, len);
        List<Frame> frames = new ArrayList<>(4);
        while (r.hasRemaining()) {
            frames.add(parse(r, packetType));
        }
        return frames;
    }

    /** Parses one frame at the reader's position; consecutive PADDING bytes become one frame. */
    public static Frame parse(ByteReader r, PacketType packetType) throws QuicException {
        long type;
        try {
            type = r.readVarInt();
        } catch (TruncatedInputException e) {
            throw new QuicException(TransportError.FRAME_ENCODING_ERROR, "truncated frame type");
        }
        if (!FrameTypes.isKnown(type)) {
            throw new QuicException(TransportError.FRAME_ENCODING_ERROR, type,
                    "unknown frame type 0x" + Long.toHexString(type));
        }
        if (!FrameTypes.permitted(type, packetType)) {
            throw new QuicException(TransportError.PROTOCOL_VIOLATION, type,
                    "frame type 0x" + Long.toHexString(type) + " not allowed in " + packetType);
        }
        try {
            return parseBody(type, r);
        } catch (TruncatedInputException | IllegalArgumentException e) {
            throw new QuicException(TransportError.FRAME_ENCODING_ERROR, type,
                    "bad frame 0x" + Long.toHexString(type) + ": " + e.getMessage());
        }
    }

    private static Frame parseBody(long type, ByteReader r) throws QuicException {
        int t = (int) type; // isKnown guarantees it fits
        if (t >= 0x08 && t <= 0x0f) {
            return parseStream(t, r);
        }
        switch (t) {
            case 0x00: return parsePadding(r);
            case 0x01: return PingFrame.INSTANCE;
            case 0x02: case 0x03: return parseAck(-1, t == 0x03, r);
            case 0x3e: case 0x3f: return parseAck(r.readVarInt(), t == 0x3f, r);
            case 0x04: return new ResetStreamFrame(r.readVarInt(), r.readVarInt(), r.readVarInt());
            case 0x05: return new StopSendingFrame(r.readVarInt(), r.readVarInt());
            case 0x06: return parseCrypto(r);
            case 0x07: return new NewTokenFrame(r.readBytes(r.readVarIntAsLength()));
            case 0x10: return new MaxDataFrame(r.readVarInt());
            case 0x11: return new MaxStreamDataFrame(r.readVarInt(), r.readVarInt());
            case 0x12: case 0x13: return new MaxStreamsFrame(t == 0x12, r.readVarInt());
            case 0x14: return new DataBlockedFrame(r.readVarInt());
            case 0x15: return new StreamDataBlockedFrame(r.readVarInt(), r.readVarInt());
            case 0x16: case 0x17: return new StreamsBlockedFrame(t == 0x16, r.readVarInt());
            case 0x18: return parseNewConnectionId(-1, r);
            case 0x3e78: return parseNewConnectionId(r.readVarInt(), r);
            case 0x19: return new RetireConnectionIdFrame(-1, r.readVarInt());
            case 0x3e79: return new RetireConnectionIdFrame(r.readVarInt(), r.readVarInt());
            case 0x1a: return new PathChallengeFrame(r.readBytes(PathChallengeFrame.DATA_LENGTH));
            case 0x1b: return new PathResponseFrame(r.readBytes(PathResponseFrame.DATA_LENGTH));
            case 0x1c: case 0x1d: return parseConnectionClose(t == 0x1d, r);
            case 0x1e: return HandshakeDoneFrame.INSTANCE;
            case 0x1f: return ImmediateAckFrame.INSTANCE;
            case 0xaf: return new AckFrequencyFrame(r.readVarInt(), r.readVarInt(), r.readVarInt(), r.readVarInt());
            case 0x3e75: return new PathAbandonFrame(r.readVarInt(), r.readVarInt());
            case 0x3e76: case 0x3e77: return new PathStatusFrame(r.readVarInt(), r.readVarInt(), t == 0x3e77);
            case 0x3e7a: return new MaxPathIdFrame(r.readVarInt());
            case 0x3e7b: return new PathsBlockedFrame(r.readVarInt());
            case 0x3e7c: return new PathCidsBlockedFrame(r.readVarInt(), r.readVarInt());
            default: throw new QuicException(TransportError.FRAME_ENCODING_ERROR, type, "unknown frame type");
        }
    }

    private static PaddingFrame parsePadding(ByteReader r) {
        int n = 1;
        while (r.hasRemaining() && r.peekUint8() == 0) {
            r.skip(1);
            n++;
        }
        return new PaddingFrame(n);
    }

    private static AckFrame parseAck(long pathId, boolean ecn, ByteReader r) {
        long largest = r.readVarInt();
        long delay = r.readVarInt();
        long count = r.readVarInt();
        if (count > r.remaining() / 2) { // each range needs at least two bytes
            throw new TruncatedInputException("ACK range count " + count);
        }
        List<AckRange> ranges = new ArrayList<>((int) count + 1);
        long smallest = largest - r.readVarInt();
        ranges.add(new AckRange(smallest, largest));
        for (long i = 0; i < count; i++) {
            long top = smallest - r.readVarInt() - 2;
            smallest = top - r.readVarInt();
            ranges.add(new AckRange(smallest, top)); // negative values throw: range underflow
        }
        EcnCounts counts = ecn ? new EcnCounts(r.readVarInt(), r.readVarInt(), r.readVarInt()) : null;
        return new AckFrame(pathId, largest, delay, ranges, counts);
    }

    private static StreamFrame parseStream(int t, ByteReader r) {
        long id = r.readVarInt();
        long offset = (t & StreamFrame.OFF_BIT) != 0 ? r.readVarInt() : 0;
        int length = (t & StreamFrame.LEN_BIT) != 0 ? r.readVarIntAsLength() : r.remaining();
        return new StreamFrame(id, offset, r.readBytes(length), (t & StreamFrame.FIN_BIT) != 0);
    }

    private static CryptoFrame parseCrypto(ByteReader r) {
        long offset = r.readVarInt();
        return new CryptoFrame(offset, r.readBytes(r.readVarIntAsLength()));
    }

    private static NewConnectionIdFrame parseNewConnectionId(long pathId, ByteReader r) {
        long seq = r.readVarInt();
        long retirePriorTo = r.readVarInt();
        int length = r.readUint8();
        if (length < 1 || length > ConnectionId.MAX_LENGTH) {
            throw new IllegalArgumentException("connection ID length " + length);
        }
        ConnectionId cid = ConnectionId.of(r.readBytes(length));
        byte[] token = r.readBytes(NewConnectionIdFrame.RESET_TOKEN_LENGTH);
        return new NewConnectionIdFrame(pathId, seq, retirePriorTo, cid, token);
    }

    private static ConnectionCloseFrame parseConnectionClose(boolean application, ByteReader r) {
        long error = r.readVarInt();
        long frameType = application ? 0 : r.readVarInt();
        byte[] reason = r.readBytes(r.readVarIntAsLength());
        return new ConnectionCloseFrame(application, error, frameType,
                new String(reason, StandardCharsets.UTF_8));
    }

    /** Writes {@code f}; same as {@link Frame#write}. */
    public static void write(Frame f, ByteWriter w) {
        f.write(w);
    }

    /** Same as {@link Frame#encodedLength}. */
    public static int encodedLength(Frame f) {
        return f.encodedLength();
    }

    /** Length of a STREAM frame header (type, ID, OFF if {@code offset > 0}, LEN). */
    public static int streamFrameHeaderLength(long streamId, long offset, int dataLength) {
        return 1 + VarInt.size(streamId) + (offset > 0 ? VarInt.size(offset) : 0)
                + VarInt.size(dataLength);
    }

    /** Writes a STREAM frame header; the caller writes {@code dataLength} bytes of data next. */
    public static void writeStreamFrameHeader(ByteWriter w, long streamId, long offset,
            int dataLength, boolean fin) {
        int type = (int) StreamFrame.TYPE_BASE | StreamFrame.LEN_BIT
                | (offset > 0 ? StreamFrame.OFF_BIT : 0) | (fin ? StreamFrame.FIN_BIT : 0);
        w.writeUint8(type).writeVarInt(streamId);
        if (offset > 0) {
            w.writeVarInt(offset);
        }
        w.writeVarInt(dataLength);
    }

    /** Length of a CRYPTO frame header (type, offset, length). */
    public static int cryptoFrameHeaderLength(long offset, int dataLength) {
        return 1 + VarInt.size(offset) + VarInt.size(dataLength);
    }

    /** Writes a CRYPTO frame header; the caller writes {@code dataLength} bytes of data next. */
    public static void writeCryptoFrameHeader(ByteWriter w, long offset, int dataLength) {
        w.writeUint8((int) CryptoFrame.TYPE).writeVarInt(offset).writeVarInt(dataLength);
    }

    /** An ACK ({@code pathId == -1}) or PATH_ACK without ECN counts over descending ranges. */
    public static AckFrame ack(long pathId, List<AckRange> descendingRanges, long ackDelayEncoded) {
        return new AckFrame(pathId, descendingRanges.get(0).largest(), ackDelayEncoded,
                descendingRanges, null);
    }

    /**
     * Encoded length of an ACK/PATH_ACK carrying the first {@code rangeCount} (>= 1) of
     * {@code descendingRanges}, with ECN counts if {@code ecn != null}; lets the sender decide how
     * many ranges fit.
     */
    public static int ackLength(long pathId, List<AckRange> descendingRanges, int rangeCount,
            long ackDelayEncoded, EcnCounts ecn) {
        return AckFrame.lengthOf(pathId, descendingRanges, rangeCount, ackDelayEncoded, ecn);
    }
}
