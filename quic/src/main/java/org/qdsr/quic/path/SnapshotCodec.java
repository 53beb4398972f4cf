package org.qdsr.quic.path;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.qdsr.quic.crypto.CipherSuite;
import org.qdsr.quic.recovery.RttEstimator;
import org.qdsr.quic.stream.SendStream;
import org.qdsr.quic.wire.ByteReader;
import org.qdsr.quic.wire.ByteWriter;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.quic.wire.TruncatedInputException;

/**
 * Binary form of a {@link ConnectionSnapshot}, format version 1. All integers are QUIC varints
 * (RFC 9000 §16) unless noted:
 * <pre>
 * version(uint8 = 1) suite(uint16 TLS code) secret(len, bytes) hpKey(len, bytes; 0 = derive)
 * flags(uint8: bit0 keyPhase, bit1 rtt present) keyGeneration dcid(uint8 len, bytes) pathId
 * peer(uint8 4|16, address, uint16 port) maxDatagramSize peerMaxAckDelayNanos ackDelayExponent(uint8)
 * nextPacketNumber connectionCredit congestionWindow
 * [rtt: initialRtt latestRtt smoothedRtt rttVar minRtt firstSampleTime(uint64) hasSample(uint8)]
 * streamCount, per stream: streamId ackedOffset sentOffset writtenOffset maxStreamData
 *   data(len, bytes) ackedRanges(pairCount, pairs) lostRanges(pairCount, pairs)
 *   flags(uint8: finished, finSent, finAcked, finLost)
 * </pre>
 * No trailing bytes are allowed.
 */
final class SnapshotCodec {
    private static final int FLAG_KEY_PHASE = 1;
    private static final int FLAG_RTT = 2;

    private SnapshotCodec() {
    }

    static byte[] encode(ConnectionSnapshot s) {
        byte[] buf = new byte[sizeBound(s)];
        ByteWriter w = new ByteWriter(buf);
        w.writeUint8(s.version()).writeUint16(s.suite().code());
        byte[] secret = s.secretForEncoding(); // not copied: the record's own arrays, read only
        w.writeVarInt(secret.length).writeBytes(secret);
        byte[] hp = s.headerProtectionKeyForEncoding();
        w.writeVarInt(hp == null ? 0 : hp.length);
        if (hp != null) {
            w.writeBytes(hp);
        }
        w.writeUint8((s.keyPhase() ? FLAG_KEY_PHASE : 0) | (s.rtt() != null ? FLAG_RTT : 0));
        w.writeVarInt(s.keyGeneration());
        w.writeUint8(s.destinationConnectionId().length()).writeBytes(s.destinationConnectionId().toBytes());
        w.writeVarInt(s.pathId());
        byte[] addr = s.peerAddress().getAddress().getAddress();
        w.writeUint8(addr.length).writeBytes(addr).writeUint16(s.peerAddress().getPort());
        w.writeVarInt(s.maxDatagramSize()).writeVarInt(s.peerMaxAckDelayNanos()).writeUint8(s.peerAckDelayExponent());
        w.writeVarInt(s.nextPacketNumber()).writeVarInt(s.connectionCredit()).writeVarInt(s.congestionWindow());
        if (s.rtt() != null) {
            writeRtt(w, s.rtt());
        }
        w.writeVarInt(s.streams().size());
        for (ConnectionSnapshot.StreamSnapshot st : s.streams()) {
            writeStream(w, st.send());
        }
        return java.util.Arrays.copyOf(buf, w.position());
    }

    private static int sizeBound(ConnectionSnapshot s) {
        int n = 200;
        for (ConnectionSnapshot.StreamSnapshot st : s.streams()) {
            SendStream.State t = st.send();
            n += 64 + t.data().length + 8 * (t.ackedRanges().length + t.lostRanges().length);
        }
        return n;
    }

    private static void writeRtt(ByteWriter w, RttEstimator.State r) {
        w.writeVarInt(r.initialRtt()).writeVarInt(r.latestRtt()).writeVarInt(r.smoothedRtt())
                .writeVarInt(r.rttVar()).writeVarInt(r.minRtt()).writeUint64(r.firstSampleTime())
                .writeUint8(r.hasSample() ? 1 : 0);
    }

    private static void writeStream(ByteWriter w, SendStream.State t) {
        w.writeVarInt(t.streamId()).writeVarInt(t.ackedOffset()).writeVarInt(t.sentOffset())
                .writeVarInt(t.writtenOffset()).writeVarInt(t.maxStreamData());
        w.writeVarInt(t.data().length).writeBytes(t.data());
        writeRanges(w, t.ackedRanges());
        writeRanges(w, t.lostRanges());
        w.writeUint8((t.finished() ? 1 : 0) | (t.finSent() ? 2 : 0) | (t.finAcked() ? 4 : 0) | (t.finLost() ? 8 : 0));
    }

    private static void writeRanges(ByteWriter w, long[] pairs) {
        w.writeVarInt(pairs.length / 2);
        for (long v : pairs) {
            w.writeVarInt(v);
        }
    }

    // ---------------------------------------------------------------- decoding

    static ConnectionSnapshot decode(byte[] in) throws SnapshotFormatException {
        if (in == null) {
            throw new SnapshotFormatException("no snapshot");
        }
        try {
            return read(new ByteReader(in));
        } catch (TruncatedInputException e) {
            throw new SnapshotFormatException("truncated snapshot");
        } catch (IllegalArgumentException e) {
            throw new SnapshotFormatException("bad snapshot: " + e.getMessage());
        }
    }

    private static ConnectionSnapshot read(ByteReader r) throws SnapshotFormatException {
        int version = r.readUint8();
        if (version != ConnectionSnapshot.VERSION) {
            throw new SnapshotFormatException("unknown snapshot version " + version);
        }
        CipherSuite suite = CipherSuite.fromCode(r.readUint16());
        byte[] secret = r.readBytes(r.readVarIntAsLength());
        int hpLength = r.readVarIntAsLength();
        byte[] hp = hpLength == 0 ? null : r.readBytes(hpLength);
        int flags = r.readUint8();
        if ((flags & ~(FLAG_KEY_PHASE | FLAG_RTT)) != 0) {
            throw new SnapshotFormatException("unknown flags");
        }
        long keyGeneration = r.readVarInt();
        int cidLength = r.readUint8();
        if (cidLength > ConnectionId.MAX_LENGTH) {
            throw new SnapshotFormatException("connection ID length " + cidLength);
        }
        ConnectionId dcid = ConnectionId.of(r.readBytes(cidLength));
        long pathId = r.readVarInt();
        InetSocketAddress peer = readAddress(r);
        int mds = r.readVarIntAsLength();
        long maxAckDelay = r.readVarInt();
        int exponent = r.readUint8();
        long nextPn = r.readVarInt();
        long credit = r.readVarInt();
        long cwnd = r.readVarInt();
        RttEstimator.State rtt = (flags & FLAG_RTT) != 0 ? readRtt(r) : null;
        List<ConnectionSnapshot.StreamSnapshot> streams = readStreams(r);
        if (r.hasRemaining()) {
            throw new SnapshotFormatException("trailing bytes after snapshot");
        }
        return new ConnectionSnapshot(version, suite, secret, hp, (flags & FLAG_KEY_PHASE) != 0, keyGeneration, dcid,
                pathId, peer, mds, maxAckDelay, exponent, nextPn, rtt, credit, cwnd, streams);
    }

    private static InetSocketAddress readAddress(ByteReader r) throws SnapshotFormatException {
        int length = r.readUint8();
        if (length != 4 && length != 16) {
            throw new SnapshotFormatException("address length " + length);
        }
        byte[] addr = r.readBytes(length);
        int port = r.readUint16();
        try {
            return new InetSocketAddress(InetAddress.getByAddress(addr), port);
        } catch (UnknownHostException e) {
            throw new SnapshotFormatException("bad address");
        }
    }

    private static RttEstimator.State readRtt(ByteReader r) throws SnapshotFormatException {
        long initial = r.readVarInt();
        long latest = r.readVarInt();
        long smoothed = r.readVarInt();
        long var = r.readVarInt();
        long min = r.readVarInt();
        long firstSample = r.readUint64();
        int hasSample = r.readUint8();
        if (hasSample > 1) {
            throw new SnapshotFormatException("bad rtt flag");
        }
        return new RttEstimator.State(initial, latest, smoothed, var, min, firstSample, hasSample == 1);
    }

    private static List<ConnectionSnapshot.StreamSnapshot> readStreams(ByteReader r) throws SnapshotFormatException {
        int count = r.readVarIntAsLength();
        if (count > r.remaining() / 9) { // every stream takes at least 9 bytes
            throw new SnapshotFormatException("stream count " + count);
        }
        List<ConnectionSnapshot.StreamSnapshot> streams = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            SendStream.State st = readStream(r);
            streams.add(new ConnectionSnapshot.StreamSnapshot(st.streamId(), st));
        }
        return streams;
    }

    private static SendStream.State readStream(ByteReader r) throws SnapshotFormatException {
        long id = r.readVarInt();
        long acked = r.readVarInt();
        long sent = r.readVarInt();
        long written = r.readVarInt();
        long maxStreamData = r.readVarInt();
        byte[] data = r.readBytes(r.readVarIntAsLength());
        long[] ackedRanges = readRanges(r);
        long[] lostRanges = readRanges(r);
        int flags = r.readUint8();
        if ((flags & ~0x0f) != 0) {
            throw new SnapshotFormatException("unknown stream flags");
        }
        return new SendStream.State(id, acked, sent, written, maxStreamData, data, ackedRanges, lostRanges,
                (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, (flags & 8) != 0);
    }

    private static long[] readRanges(ByteReader r) throws SnapshotFormatException {
        int pairs = r.readVarIntAsLength();
        if (pairs > r.remaining() / 2) { // each pair takes at least two bytes
            throw new SnapshotFormatException("range count " + pairs);
        }
        long[] out = new long[pairs * 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = r.readVarInt();
        }
        return out;
    }
}
