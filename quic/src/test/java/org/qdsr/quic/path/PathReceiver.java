package org.qdsr.quic.path;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.crypto.CipherSuite;
import org.qdsr.quic.crypto.PacketProtection;
import org.qdsr.quic.wire.AckRange;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.quic.wire.Frame;
import org.qdsr.quic.wire.FrameCodec;
import org.qdsr.quic.wire.PacketHeaders;
import org.qdsr.quic.wire.PacketNumbers;
import org.qdsr.quic.wire.PacketType;
import org.qdsr.quic.wire.ParsedHeader;
import org.qdsr.quic.wire.StreamFrame;

/**
 * The client side of one path in tests: removes header protection, opens packets with the
 * multipath nonce, checks that path ID 0 does not open them, collects STREAM frames and builds
 * PATH_ACK ranges from the packet numbers it received.
 */
final class PathReceiver {
    /** One opened packet. */
    record Packet(long pn, boolean keyPhase, ConnectionId dcid, List<Frame> frames) {
    }

    private final ConnectionId expectedDcid;
    private final long pathId;
    private final List<PacketProtection> generations = new ArrayList<>();
    private final TreeSet<Long> received = new TreeSet<>();
    private final Map<Long, TreeMap<Long, byte[]>> data = new TreeMap<>();
    private final Map<Long, Long> finalSizes = new TreeMap<>();
    private long largestReceived = -1;
    /** Key generation the last packet opened with. */
    int lastGeneration = -1;
    int packets;

    PathReceiver(CipherSuite suite, byte[] generationZeroSecret, ConnectionId dcid, long pathId) {
        this.expectedDcid = dcid;
        this.pathId = pathId;
        generations.add(PacketProtection.fromSecret(suite, generationZeroSecret));
    }

    PacketProtection generation(int g) {
        while (generations.size() <= g) {
            generations.add(generations.get(generations.size() - 1).nextGeneration());
        }
        return generations.get(g);
    }

    /** Opens a datagram; fails the test (AssertionError) if anything is off. */
    Packet receive(byte[] datagram, int len) throws QuicException {
        byte[] buf = Arrays.copyOf(datagram, len);
        ParsedHeader h = PacketHeaders.parse(buf, 0, len, expectedDcid.length());
        check(h != null && h.type() == PacketType.ONE_RTT, "short header");
        check(h.dcid().equals(expectedDcid), "DCID");
        int pnLength = generation(0).removeHeaderProtection(buf, 0, h.pnOffset(), len);
        check(pnLength > 0, "header protection");
        check((buf[0] & 0x18) == 0, "reserved bits");
        boolean phase = (buf[0] & 0x04) != 0;
        long truncated = readTruncated(buf, h.pnOffset(), pnLength);
        long pn = PacketNumbers.decode(truncated, pnLength, largestReceived);
        int plain = openAny(buf, h.pnOffset(), pnLength, len, pn);
        check(plain > 0, "AEAD open with path " + pathId + " pn " + pn);
        List<Frame> frames = FrameCodec.parseAll(buf, h.pnOffset() + pnLength, plain, PacketType.ONE_RTT);
        largestReceived = Math.max(largestReceived, pn);
        received.add(pn);
        packets++;
        for (Frame f : frames) {
            if (f instanceof StreamFrame s) {
                data.computeIfAbsent(s.streamId(), k -> new TreeMap<>()).merge(s.offset(), s.data(),
                        (a, b) -> a.length >= b.length ? a : b);
                if (s.fin()) {
                    finalSizes.put(s.streamId(), s.offset() + s.data().length);
                }
            }
        }
        return new Packet(pn, phase, h.dcid(), frames);
    }

    private static long readTruncated(byte[] b, int off, int len) {
        long v = 0;
        for (int i = 0; i < len; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    /** Tries key generations in order; records which one worked; path 0 must never open it. */
    private int openAny(byte[] buf, int pnOffset, int pnLength, int len, long pn) {
        for (int g = 0; g < 4; g++) {
            PacketProtection keys = generation(g);
            byte[] wrongPath = buf.clone();
            check(pathId == 0 || keys.open(wrongPath, 0, pnOffset, pnLength, len, pn, 0) < 0, "opened with path 0");
            byte[] copy = buf.clone();
            int n = keys.open(copy, 0, pnOffset, pnLength, len, pn, pathId);
            if (n >= 0) {
                System.arraycopy(copy, 0, buf, 0, len);
                lastGeneration = g;
                return n;
            }
        }
        return -1;
    }

    /** Up to {@code max} descending ranges of received packet numbers, largest first. */
    List<AckRange> ackRanges(int max) {
        List<AckRange> out = new ArrayList<>();
        Long hi = null;
        Long lo = null;
        for (Long pn : received.descendingSet()) {
            if (hi == null) {
                hi = pn;
                lo = pn;
            } else if (pn == lo - 1) {
                lo = pn;
            } else {
                out.add(new AckRange(lo, hi));
                if (out.size() == max) {
                    return out;
                }
                hi = pn;
                lo = pn;
            }
        }
        if (hi != null) {
            out.add(new AckRange(lo, hi));
        }
        return out;
    }

    /** The contiguous bytes from offset 0; fails on a gap or inconsistent overlap. */
    byte[] streamBytes(long streamId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long pos = 0;
        for (Map.Entry<Long, byte[]> e : data.getOrDefault(streamId, new TreeMap<>()).entrySet()) {
            long off = e.getKey();
            byte[] b = e.getValue();
            if (off > pos) {
                break;
            }
            int skip = (int) (pos - off);
            if (skip < b.length) {
                out.write(b, skip, b.length - skip);
                pos += b.length - skip;
            }
        }
        return out.toByteArray();
    }

    Long finalSize(long streamId) {
        return finalSizes.get(streamId);
    }

    boolean hasReceived(long pn) {
        return received.contains(pn);
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("receiver: " + what);
        }
    }
}
