package org.qdsr.quic.wire;

import java.util.random.RandomGenerator;

/**
 * Long and short packet headers of QUIC v1 (RFC 9000 §17, RFC 8999 invariants). Parsing never
 * throws: anything that must be dropped silently yields {@code null}. Headers are parsed and
 * written before header protection is removed or applied (RFC 9001 §5.4, the crypto layer's job).
 */
public final class PacketHeaders {
    public static final long VERSION_1 = 0x00000001L;
    public static final int RETRY_TAG_LENGTH = 16;
    /** Size of the Length field the writer always uses, so callers can patch it. */
    public static final int LENGTH_FIELD_SIZE = 2;
    private static final int FORM_BIT = 0x80;
    private static final int FIXED_BIT = 0x40;

    private PacketHeaders() {
    }

    /** The version-independent fields of a long header (RFC 8999 §5.1), for Version Negotiation. */
    public record LongHeaderIds(long version, ConnectionId dcid, ConnectionId scid) {
    }

    public static boolean isLongHeader(byte first) {
        return (first & FORM_BIT) != 0;
    }

    /** The type of a version 1 long-header packet from its first byte (RFC 9000 §17.2: bits 0x30). */
    public static PacketType longPacketType(int first) {
        return PacketType.values()[(first >>> 4) & 0x3]; // INITIAL, ZERO_RTT, HANDSHAKE, RETRY
    }

    /** The version of a long header packet, or -1 for short headers and runts. */
    public static long version(byte[] buf, int off, int len) {
        if (len < 5 || !isLongHeader(buf[off])) {
            return -1;
        }
        return new ByteReader(buf, off + 1, 4).readUint32();
    }

    /**
     * Parses the header of the packet at {@code off}; {@code len} runs to the end of the datagram.
     * Returns null for packets to drop: truncated, unsupported version (see
     * {@link #peekLongHeaderIds}), fixed bit 0, Length beyond the datagram, empty Retry token.
     */
    public static ParsedHeader parse(byte[] buf, int off, int len, int shortHeaderDcidLength) {
        try {
            ByteReader r = new ByteReader(buf, off, len);
            int first = r.readUint8();
            if ((first & FORM_BIT) == 0) {
                return parseShort(r, first, off, shortHeaderDcidLength);
            }
            return parseLong(r, first, off);
        } catch (TruncatedInputException | IllegalArgumentException e) {
            return null;
        }
    }

    private static ParsedHeader parseShort(ByteReader r, int first, int off, int dcidLength) {
        if ((first & FIXED_BIT) == 0) {
            return null;
        }
        ConnectionId dcid = ConnectionId.of(r.readBytes(dcidLength));
        if (!r.hasRemaining()) {
            return null;
        }
        return new ParsedHeader(PacketType.ONE_RTT, VERSION_1, dcid, ConnectionId.EMPTY,
                new byte[0], off, r.position(), r.limit(), new long[0], -1);
    }

    private static ParsedHeader parseLong(ByteReader r, int first, int off) {
        long version = r.readUint32();
        ConnectionId dcid = readCid(r);
        ConnectionId scid = dcid == null ? null : readCid(r);
        if (scid == null) {
            return null;
        }
        if (version == 0) {
            return parseVersionNegotiation(r, off, dcid, scid);
        }
        if (version != VERSION_1 || (first & FIXED_BIT) == 0) {
            return null;
        }
        PacketType type = longPacketType(first);
        if (type == PacketType.RETRY) {
            return parseRetry(r, off, dcid, scid);
        }
        byte[] token = type == PacketType.INITIAL ? r.readBytes(r.readVarIntAsLength()) : new byte[0];
        int length = r.readVarIntAsLength();
        int pnOffset = r.position();
        if (length < 1 || length > r.remaining()) {
            return null;
        }
        return new ParsedHeader(type, version, dcid, scid, token, off, pnOffset, pnOffset + length,
                new long[0], -1);
    }

    private static ParsedHeader parseVersionNegotiation(ByteReader r, int off, ConnectionId dcid,
            ConnectionId scid) {
        if (r.remaining() == 0 || r.remaining() % 4 != 0) {
            return null;
        }
        long[] versions = new long[r.remaining() / 4];
        for (int i = 0; i < versions.length; i++) {
            versions[i] = r.readUint32();
        }
        return new ParsedHeader(PacketType.VERSION_NEGOTIATION, 0, dcid, scid, new byte[0], off, -1,
                r.limit(), versions, -1);
    }

    private static ParsedHeader parseRetry(ByteReader r, int off, ConnectionId dcid, ConnectionId scid) {
        int tokenLength = r.remaining() - RETRY_TAG_LENGTH;
        if (tokenLength < 1) {
            return null; // RFC 9000 §17.2.5.2: discard a Retry with an empty token
        }
        byte[] token = r.readBytes(tokenLength);
        return new ParsedHeader(PacketType.RETRY, VERSION_1, dcid, scid, token, off, -1, r.limit(),
                new long[0], r.position());
    }

    /** Null when longer than v1 allows (20 bytes); no exception, as this runs per datagram. */
    private static ConnectionId readCid(ByteReader r) {
        int length = r.readUint8();
        if (length > ConnectionId.MAX_LENGTH) {
            return null;
        }
        return ConnectionId.of(r.readBytes(length));
    }

    /**
     * Version and connection IDs of any long header packet, whatever its version, for deciding to
     * send Version Negotiation (RFC 9000 §6.1). Null for short headers, runts and IDs over 20 bytes.
     */
    public static LongHeaderIds peekLongHeaderIds(byte[] buf, int off, int len) {
        try {
            ByteReader r = new ByteReader(buf, off, len);
            if (!isLongHeader((byte) r.readUint8())) {
                return null;
            }
            long version = r.readUint32();
            ConnectionId dcid = readCid(r);
            ConnectionId scid = dcid == null ? null : readCid(r);
            return scid == null ? null : new LongHeaderIds(version, dcid, scid);
        } catch (TruncatedInputException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The destination connection ID for demultiplexing, or null if the packet is too short. */
    public static ConnectionId peekDestinationConnectionId(byte[] buf, int off, int len,
            int shortHeaderDcidLength) {
        try {
            ByteReader r = new ByteReader(buf, off, len);
            if (isLongHeader((byte) r.readUint8())) {
                r.skip(4);
                return readCid(r);
            }
            return ConnectionId.of(r.readBytes(shortHeaderDcidLength));
        } catch (TruncatedInputException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Writes an Initial, 0-RTT or Handshake header up to and including the truncated packet
     * number (RFC 9000 §17.2). {@code length} is the Length field value (packet number + payload
     * + AEAD tag), always written as a 2-byte varint at {@code pnOffset - 2} so it can be patched
     * with {@link #patchLength}. {@code token} is only for Initial (null = empty). Returns pnOffset.
     */
    public static int writeLongHeader(ByteWriter w, PacketType type, long version, ConnectionId dcid,
            ConnectionId scid, byte[] token, int pnLength, long truncatedPn, int length) {
        int typeBits = type.longHeaderTypeBits();
        if (typeBits < 0 || type == PacketType.RETRY || pnLength < 1 || pnLength > 4) {
            throw new IllegalArgumentException("cannot write " + type + " with pn length " + pnLength);
        }
        if (type != PacketType.INITIAL && token != null && token.length > 0) {
            throw new IllegalArgumentException("token only in Initial packets");
        }
        w.writeUint8(FORM_BIT | FIXED_BIT | (typeBits << 4) | (pnLength - 1)).writeUint32(version);
        writeCid(w, dcid);
        writeCid(w, scid);
        if (type == PacketType.INITIAL) {
            byte[] t = token == null ? new byte[0] : token;
            w.writeVarInt(t.length).writeBytes(t);
        }
        w.writeVarInt(length, LENGTH_FIELD_SIZE);
        int pnOffset = w.position();
        PacketNumbers.writeTruncated(w, truncatedPn, pnLength);
        return pnOffset;
    }

    /** Rewrites a 2-byte Length field (value below 16384) at {@code lengthFieldOffset}. */
    public static void patchLength(byte[] buf, int lengthFieldOffset, int value) {
        VarInt.encode(value, LENGTH_FIELD_SIZE, buf, lengthFieldOffset);
    }

    /**
     * Writes a 1-RTT short header (RFC 9000 §17.3.1) with reserved bits 0; returns pnOffset.
     */
    public static int writeShortHeader(ByteWriter w, boolean spin, boolean keyPhase,
            ConnectionId dcid, int pnLength, long truncatedPn) {
        if (pnLength < 1 || pnLength > 4) {
            throw new IllegalArgumentException("pn length " + pnLength);
        }
        w.writeUint8(FIXED_BIT | (spin ? 0x20 : 0) | (keyPhase ? 0x04 : 0) | (pnLength - 1));
        if (w.remaining() < dcid.length()) {
            throw new IndexOutOfBoundsException("no room for connection ID");
        }
        dcid.copyTo(w.array(), w.position());
        w.position(w.position() + dcid.length());
        int pnOffset = w.position();
        PacketNumbers.writeTruncated(w, truncatedPn, pnLength);
        return pnOffset;
    }

    private static void writeCid(ByteWriter w, ConnectionId cid) {
        w.writeUint8(cid.length());
        if (w.remaining() < cid.length()) {
            throw new IndexOutOfBoundsException("no room for connection ID");
        }
        cid.copyTo(w.array(), w.position());
        w.position(w.position() + cid.length());
    }

    /**
     * A Version Negotiation packet (RFC 9000 §17.2.1): the unused bits of the first byte are
     * random. A server echoes the client's SCID as {@code dcid} and its DCID as {@code scid}.
     */
    public static byte[] versionNegotiation(ConnectionId dcid, ConnectionId scid, long[] versions,
            RandomGenerator rnd) {
        byte[] out = new byte[7 + dcid.length() + scid.length() + 4 * versions.length];
        ByteWriter w = new ByteWriter(out);
        w.writeUint8(FORM_BIT | rnd.nextInt(0x80)).writeUint32(0);
        writeCid(w, dcid);
        writeCid(w, scid);
        for (long v : versions) {
            w.writeUint32(v);
        }
        return out;
    }

    /** A Retry packet without its integrity tag (RFC 9000 §17.2.5); unused bits are 0. */
    public static byte[] retryWithoutTag(long version, ConnectionId dcid, ConnectionId scid,
            byte[] token) {
        byte[] out = new byte[7 + dcid.length() + scid.length() + token.length];
        ByteWriter w = new ByteWriter(out);
        w.writeUint8(FORM_BIT | FIXED_BIT | (PacketType.RETRY.longHeaderTypeBits() << 4));
        w.writeUint32(version);
        writeCid(w, dcid);
        writeCid(w, scid);
        w.writeBytes(token);
        return out;
    }

    /** The Retry pseudo-packet authenticated by the integrity tag (RFC 9001 §5.8). */
    public static byte[] retryPseudoPacket(ConnectionId originalDcid, byte[] retryPacketWithoutTag) {
        return retryPseudoPacket(originalDcid, retryPacketWithoutTag, 0, retryPacketWithoutTag.length);
    }

    /** As above, over a slice (e.g. a received Retry up to its {@code retryTagOffset}). */
    public static byte[] retryPseudoPacket(ConnectionId originalDcid, byte[] buf, int off, int len) {
        byte[] out = new byte[1 + originalDcid.length() + len];
        out[0] = (byte) originalDcid.length();
        originalDcid.copyTo(out, 1);
        System.arraycopy(buf, off, out, 1 + originalDcid.length(), len);
        return out;
    }
}
