package org.qdsr.control.message;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import org.qdsr.quic.wire.VarInt;

/**
 * Appends framed messages ({@code type varint, length varint, body}) to a reusable buffer, so a
 * channel can coalesce many small messages into one write. Not thread-safe: one per writer.
 */
public final class ControlEncoder {
    /** Room reserved in front of a body for its frame header (two 8-byte varints). */
    private static final int HEADER_RESERVE = 16;

    private final FrameBuffer out;

    public ControlEncoder() {
        this(16 * 1024);
    }

    public ControlEncoder(int initialCapacity) {
        out = new FrameBuffer(initialCapacity);
    }

    /** Appends one frame; returns the bytes buffered so far. */
    public int append(ControlMessage m) {
        int start = out.size();
        out.ensure(HEADER_RESERVE);
        out.size(start + HEADER_RESERVE);
        writeBody(m);
        int bodyStart = start + HEADER_RESERVE;
        int bodyLength = out.size() - bodyStart;
        byte[] buf = out.array();
        int p = VarInt.encode(m.typeCode(), buf, start);
        p = VarInt.encode(bodyLength, buf, p);
        System.arraycopy(buf, bodyStart, buf, p, bodyLength);
        out.size(p + bodyLength);
        return out.size();
    }

    /** Bytes buffered. */
    public int size() {
        return out.size();
    }

    /** Forgets the buffered bytes (keeps the buffer). */
    public void reset() {
        out.size(0);
    }

    /** Writes the buffered bytes in one call and resets. */
    public void writeTo(OutputStream stream) throws IOException {
        stream.write(out.array(), 0, out.size());
        reset();
    }

    /** A copy of the buffered bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOf(out.array(), out.size());
    }

    private void writeBody(ControlMessage m) {
        if (m instanceof SendInstructions s) {
            InstructedCodec.write(out, s);
        } else if (m instanceof SendReport s) {
            InstructedCodec.write(out, s);
        } else if (m instanceof StreamReady s) {
            InstructedCodec.write(out, s);
        } else if (m instanceof AckForward a) {
            ackForward(a);
        } else if (m instanceof ProxyData d) {
            out.varint(d.connectionKey());
            out.varint(d.streamId());
            out.varint(d.offset());
            out.u8(d.fin() ? 1 : 0);
            out.lengthPrefixed(d.dataUnsafe());
        } else if (m instanceof CreditGrant c) {
            out.varint(c.connectionKey());
            out.varint(c.bytes());
        } else if (m instanceof StreamControl s) {
            out.varint(s.connectionKey());
            out.varint(s.streamId());
            out.varint(s.kind().code());
            out.varint(s.value());
        } else if (m instanceof CreditRequest c) {
            out.varint(c.connectionKey());
            out.varint(c.streamId());
            out.varint(c.used());
        } else if (m instanceof KeyUpdateRequest k) {
            out.varint(k.connectionKey());
            out.varint(k.packetsProtected());
        } else if (m instanceof Draining d) {
            out.varint(d.drainMillis());
        } else if (m instanceof PeerAddressUpdate u) {
            out.varint(u.connectionKey());
            WireAddress.write(out, u.peerAddress());
            if (u.pathConnectionId() != null) {
                out.lengthPrefixed(u.pathConnectionId());
            }
        } else if (m instanceof SendAddress a) {
            WireAddress.write(out, a.address());
        } else if (m instanceof StreamReport r) {
            streamReport(r);
        } else if (m instanceof Handoff h) {
            handoff(h);
        } else {
            writeRareBody(m);
        }
    }

    private void writeRareBody(ControlMessage m) {
        if (m instanceof Hello h) {
            hello(h.protocolVersion(), h.nodeName(), h.role());
        } else if (m instanceof HelloAck h) {
            hello(h.protocolVersion(), h.nodeName(), h.role());
        } else if (m instanceof Heartbeat h) {
            out.varint(h.seq());
            out.u64(h.sentNanos());
        } else if (m instanceof HeartbeatAck h) {
            out.varint(h.seq());
            out.u64(h.echoedNanos());
        } else if (m instanceof ControlError e) {
            out.varint(e.code());
            out.string(e.message());
        } else if (m instanceof KeyUpdate k) {
            out.varint(k.connectionKey());
            out.varint(k.generation());
            out.u8(k.keyPhase() ? 1 : 0);
            out.lengthPrefixed(k.secretUnsafe());
        } else if (m instanceof ConnectionClosed c) {
            out.varint(c.connectionKey());
            out.varint(c.errorCode());
        } else if (m instanceof LoadReport l) {
            out.varint(l.activeStreams());
            out.varint(l.activeConnections());
            out.varint(l.bytesPerSecond());
            out.u64(Double.doubleToRawLongBits(l.cpu()));
        } else if (m instanceof ProxyHead p) {
            out.varint(p.connectionKey());
            out.varint(p.streamId());
            out.varint(p.status());
            headers(p.headers());
            out.varint(p.contentLength() + 1);
        } else {
            throw new IllegalStateException("no encoder for " + m.getClass());
        }
    }

    private void hello(int version, String name, Role role) {
        out.varint(version);
        out.varint(role.code());
        out.string(name);
    }

    /** Like an ACK frame (RFC 9000 §19.3.1): largest, count of further ranges, first range, gap/length pairs. */
    private void ackForward(AckForward a) {
        out.varint(a.connectionKey());
        out.varint(a.pathId());
        out.varint(a.ackDelayEncoded());
        int n = a.rangeCount();
        out.varint(a.largest(0));
        out.varint(n - 1);
        out.varint(a.largest(0) - a.smallest(0));
        for (int i = 1; i < n; i++) {
            out.varint(a.smallest(i - 1) - a.largest(i) - 2);
            out.varint(a.largest(i) - a.smallest(i));
        }
    }

    private void streamReport(StreamReport r) {
        out.varint(r.connectionKey());
        out.varint(r.streamId());
        out.varint(r.outcome().code());
        out.varint(r.errorCode());
        out.varint(r.bytesSent());
        out.varint(r.bytesAcked());
        out.varint(r.status());
        if (r.finSent()) {
            out.u8(1);
        }
    }

    private void handoff(Handoff h) {
        out.varint(h.handoffId());
        out.varint(h.connectionKey());
        out.varint(h.streamId());
        out.varint(h.mode().code());
        out.lengthPrefixed(h.snapshotUnsafe());
        RequestHead r = h.request();
        out.string(r.method());
        out.string(r.scheme());
        out.string(r.authority());
        out.string(r.path());
        headers(r.headers());
        out.lengthPrefixed(r.bodyUnsafe());
        if (h.mayRefuse()) {
            out.u8(1);
        }
    }

    private void headers(List<Header> headers) {
        out.varint(headers.size());
        for (Header h : headers) {
            out.string(h.name());
            out.string(h.value());
        }
    }
}
