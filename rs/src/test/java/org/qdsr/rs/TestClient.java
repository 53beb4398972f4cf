package org.qdsr.rs;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.qdsr.http3.qpack.Field;
import org.qdsr.http3.qpack.QpackDecoder;
import org.qdsr.quic.crypto.CipherSuite;
import org.qdsr.quic.crypto.PacketProtection;
import org.qdsr.quic.wire.AckRange;
import org.qdsr.quic.wire.ByteReader;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.quic.wire.Frame;
import org.qdsr.quic.wire.FrameCodec;
import org.qdsr.quic.wire.PacketHeaders;
import org.qdsr.quic.wire.PacketNumbers;
import org.qdsr.quic.wire.PacketType;
import org.qdsr.quic.wire.ParsedHeader;
import org.qdsr.quic.wire.StreamFrame;

/** The client in core tests: opens the RS's packets of one path, reassembles streams, builds ACK ranges. */
final class TestClient {
    /** A parsed HTTP/3 response stream. */
    record Response(List<Field> fields, byte[] body) {
        String field(String name) {
            return fields.stream().filter(f -> f.name().equals(name)).map(Field::value).findFirst().orElse(null);
        }
    }

    private final PacketProtection keys;
    private final ConnectionId dcid;
    private final long pathId;
    private final TreeSet<Long> received = new TreeSet<>();
    private final Map<Long, TreeMap<Long, byte[]>> data = new TreeMap<>();
    private final Map<Long, Long> finalSizes = new TreeMap<>();
    private long largest = -1;
    int packets;

    TestClient(CipherSuite suite, byte[] secret, ConnectionId dcid, long pathId) {
        this.keys = PacketProtection.fromSecret(suite, secret);
        this.dcid = dcid;
        this.pathId = pathId;
    }

    void receive(byte[] datagram) throws Exception {
        byte[] buf = datagram.clone();
        int len = buf.length;
        ParsedHeader h = PacketHeaders.parse(buf, 0, len, dcid.length());
        if (h == null || h.type() != PacketType.ONE_RTT || !h.dcid().equals(dcid)) {
            throw new AssertionError("not a 1-RTT packet for " + dcid);
        }
        int pnLength = keys.removeHeaderProtection(buf, 0, h.pnOffset(), len);
        long truncated = 0;
        for (int i = 0; i < pnLength; i++) {
            truncated = truncated << 8 | (buf[h.pnOffset() + i] & 0xff);
        }
        long pn = PacketNumbers.decode(truncated, pnLength, largest);
        int plain = keys.open(buf, 0, h.pnOffset(), pnLength, len, pn, pathId);
        if (plain < 0) {
            throw new AssertionError("AEAD open failed on path " + pathId);
        }
        largest = Math.max(largest, pn);
        received.add(pn);
        packets++;
        for (Frame f : FrameCodec.parseAll(buf, h.pnOffset() + pnLength, plain, PacketType.ONE_RTT)) {
            if (f instanceof StreamFrame s) {
                data.computeIfAbsent(s.streamId(), k -> new TreeMap<>()).merge(s.offset(), s.data(),
                        (a, b) -> a.length >= b.length ? a : b);
                if (s.fin()) {
                    finalSizes.put(s.streamId(), s.offset() + s.data().length);
                }
            }
        }
    }

    List<AckRange> ackRanges() {
        List<AckRange> out = new ArrayList<>();
        long hi = -1;
        long lo = -1;
        for (long pn : received.descendingSet()) {
            if (hi < 0) {
                hi = pn;
                lo = pn;
            } else if (pn == lo - 1) {
                lo = pn;
            } else {
                out.add(new AckRange(lo, hi));
                hi = pn;
                lo = pn;
            }
        }
        if (hi >= 0) {
            out.add(new AckRange(lo, hi));
        }
        return out;
    }

    boolean complete(long streamId) {
        Long fin = finalSizes.get(streamId);
        return fin != null && streamBytes(streamId).length == fin;
    }

    byte[] streamBytes(long streamId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long pos = 0;
        for (Map.Entry<Long, byte[]> e : data.getOrDefault(streamId, new TreeMap<>()).entrySet()) {
            if (e.getKey() > pos) {
                break;
            }
            int skip = (int) (pos - e.getKey());
            if (skip < e.getValue().length) {
                out.write(e.getValue(), skip, e.getValue().length - skip);
                pos += e.getValue().length - skip;
            }
        }
        return out.toByteArray();
    }

    /** Parses HTTP/3 response stream bytes: one HEADERS frame then DATA frames (RFC 9114 §4.1). */
    static Response parseResponse(byte[] stream) throws Exception {
        ByteReader r = new ByteReader(stream, 0, stream.length);
        List<Field> fields = null;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (r.hasRemaining()) {
            long type = r.readVarInt();
            int len = (int) r.readVarInt();
            byte[] payload = r.readBytes(len);
            if (type == 0x01 && fields == null) {
                fields = new QpackDecoder().decode(payload, 0, payload.length);
            } else if (type == 0x00 && fields != null) {
                body.write(payload);
            } else {
                throw new AssertionError("unexpected frame type " + type);
            }
        }
        return new Response(fields, body.toByteArray());
    }

    static byte[] copy(byte[] b, int off, int len) {
        return Arrays.copyOfRange(b, off, off + len);
    }
}
