package org.qdsr.http3;

import java.util.List;
import java.util.Map;
import org.qdsr.http3.qpack.Field;
import org.qdsr.http3.qpack.QpackEncoder;
import org.qdsr.quic.wire.ByteWriter;
import org.qdsr.quic.wire.VarInt;

/** Serializes HTTP/3 frames (RFC 9114 §7.2) and unidirectional stream headers (§6.2). */
public final class FrameWriter {
    /** Unidirectional stream types (§6.2, RFC 9204 §4.2). */
    public static final long STREAM_CONTROL = 0x00;
    public static final long STREAM_PUSH = 0x01;
    public static final long STREAM_QPACK_ENCODER = 0x02;
    public static final long STREAM_QPACK_DECODER = 0x03;

    private static final QpackEncoder ENCODER = new QpackEncoder();

    private FrameWriter() {
    }

    /** A HEADERS frame with the fields QPACK-encoded (static table + literals). */
    public static byte[] headersFrame(List<Field> fields) {
        return headersFrame(ENCODER.encode(fields));
    }

    /** A HEADERS frame around an already encoded field section. */
    public static byte[] headersFrame(byte[] fieldSection) {
        return frame(Http3Frame.TYPE_HEADERS, fieldSection);
    }

    /** Bytes a DATA frame header for a {@code length}-byte payload takes. */
    public static int dataFrameHeaderLength(long length) {
        return 1 + VarInt.size(length);
    }

    /** Writes a DATA frame header; the caller writes {@code length} payload bytes next. Returns bytes written. */
    public static int writeDataFrameHeader(ByteWriter w, long length) {
        int start = w.position();
        w.writeVarInt(Http3Frame.TYPE_DATA).writeVarInt(length);
        return w.position() - start;
    }

    /** A complete DATA frame (copies the payload; for large bodies prefer {@link #writeDataFrameHeader}). */
    public static byte[] dataFrame(byte[] b, int off, int len) {
        byte[] out = new byte[dataFrameHeaderLength(len) + len];
        ByteWriter w = new ByteWriter(out);
        writeDataFrameHeader(w, len);
        w.writeBytes(b, off, len);
        return out;
    }

    /** A SETTINGS frame, entries in map iteration order. */
    public static byte[] settingsFrame(Map<Long, Long> settings) {
        int len = 0;
        for (Map.Entry<Long, Long> e : settings.entrySet()) {
            len += VarInt.size(e.getKey()) + VarInt.size(e.getValue());
        }
        byte[] p = new byte[len];
        ByteWriter w = new ByteWriter(p);
        settings.forEach((k, v) -> w.writeVarInt(k).writeVarInt(v));
        return frame(Http3Frame.TYPE_SETTINGS, p);
    }

    /** GOAWAY carrying a stream ID (server) or push ID (client). */
    public static byte[] goaway(long id) {
        return varIntFrame(Http3Frame.TYPE_GOAWAY, id);
    }

    public static byte[] maxPushId(long pushId) {
        return varIntFrame(Http3Frame.TYPE_MAX_PUSH_ID, pushId);
    }

    public static byte[] cancelPush(long pushId) {
        return varIntFrame(Http3Frame.TYPE_CANCEL_PUSH, pushId);
    }

    /** The first bytes of our control stream: stream type 0x00 then SETTINGS (§6.2.1). */
    public static byte[] controlStreamPreface(Map<Long, Long> settings) {
        byte[] s = settingsFrame(settings);
        byte[] out = new byte[1 + s.length];
        System.arraycopy(s, 0, out, 1, s.length);
        return out;
    }

    /** The stream type varint that opens a unidirectional stream (e.g. {@link #STREAM_QPACK_ENCODER}). */
    public static byte[] streamType(long type) {
        byte[] out = new byte[VarInt.size(type)];
        VarInt.encode(type, out, 0);
        return out;
    }

    /** A frame of any type with the given payload. */
    public static byte[] frame(long type, byte[] payload) {
        byte[] out = new byte[VarInt.size(type) + VarInt.size(payload.length) + payload.length];
        new ByteWriter(out).writeVarInt(type).writeVarInt(payload.length).writeBytes(payload);
        return out;
    }

    private static byte[] varIntFrame(long type, long value) {
        byte[] p = new byte[VarInt.size(value)];
        VarInt.encode(value, p, 0);
        return frame(type, p);
    }
}
