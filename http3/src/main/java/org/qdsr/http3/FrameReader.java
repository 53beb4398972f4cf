package org.qdsr.http3;

import java.util.LinkedHashMap;
import java.util.Map;
import org.qdsr.http3.Http3Frame.CancelPushFrame;
import org.qdsr.http3.Http3Frame.DataFrame;
import org.qdsr.http3.Http3Frame.GoawayFrame;
import org.qdsr.http3.Http3Frame.HeadersFrame;
import org.qdsr.http3.Http3Frame.MaxPushIdFrame;
import org.qdsr.http3.Http3Frame.PushPromiseFrame;
import org.qdsr.http3.Http3Frame.SettingsFrame;
import org.qdsr.quic.wire.ByteReader;
import org.qdsr.quic.wire.TruncatedInputException;
import org.qdsr.quic.wire.VarInt;

/**
 * Incremental HTTP/3 frame parser for one stream (RFC 9114 §7.1). Usage:
 * <pre>
 *   reader.feed(bytes, off, len);
 *   for (Event e; (e = reader.next()) != null; ) { ... }
 * </pre>
 * {@link #feed} must only be called once {@link #next} has returned null. DATA payloads are not
 * buffered: a {@link DataFrame} header is followed by {@link DataChunk}s that are slices of the
 * array given to {@code feed}, valid until the caller reuses that array. Other frames are
 * buffered whole, up to a size cap. Unknown and reserved frame types are skipped; HTTP/2-only
 * types are H3_FRAME_UNEXPECTED. Which frames are allowed where is the caller's business.
 */
public final class FrameReader {
    /** Anything {@link #next} yields: an {@link Http3Frame} or a {@link DataChunk}. */
    public sealed interface Event permits Http3Frame, DataChunk {
    }

    /** Part of the payload of the current DATA frame: {@code len} bytes of {@code buf} from {@code off}. */
    public record DataChunk(byte[] buf, int off, int len) implements Event {
    }

    /** Default cap for HEADERS and PUSH_PROMISE payloads. */
    public static final int DEFAULT_MAX_HEADERS_PAYLOAD = 64 * 1024;
    /** Cap for SETTINGS payloads. */
    public static final int MAX_SETTINGS_PAYLOAD = 16 * 1024;

    private enum State { HEADER, DATA, PAYLOAD, SKIP }

    private final int maxHeadersPayload;
    private State state = State.HEADER;
    private final byte[] header = new byte[16];
    private int headerLen;
    private long frameType;
    private long remaining;
    private byte[] payload;
    private int filled;
    private byte[] in = new byte[0];
    private int pos;
    private int limit;

    public FrameReader() {
        this(DEFAULT_MAX_HEADERS_PAYLOAD);
    }

    public FrameReader(int maxHeadersPayload) {
        this.maxHeadersPayload = maxHeadersPayload;
    }

    /** Supplies the next bytes of the stream. */
    public void feed(byte[] b, int off, int len) {
        if (pos < limit) {
            throw new IllegalStateException("call next() until it returns null before feeding more");
        }
        if (off < 0 || len < 0 || off + len > b.length) {
            throw new IndexOutOfBoundsException("slice out of range");
        }
        in = b;
        pos = off;
        limit = off + len;
    }

    /** The next event, or null when more input is needed. */
    public Event next() throws Http3Exception {
        while (true) {
            switch (state) {
                case HEADER -> {
                    if (!readHeader()) {
                        return null;
                    }
                    Event e = startFrame();
                    if (e != null) {
                        return e;
                    }
                }
                case DATA -> {
                    if (pos == limit) {
                        return null;
                    }
                    int n = (int) Math.min(remaining, limit - pos);
                    DataChunk chunk = new DataChunk(in, pos, n);
                    pos += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.HEADER;
                    }
                    return chunk;
                }
                case PAYLOAD -> {
                    int n = Math.min(payload.length - filled, limit - pos);
                    System.arraycopy(in, pos, payload, filled, n);
                    pos += n;
                    filled += n;
                    if (filled < payload.length) {
                        return null;
                    }
                    state = State.HEADER;
                    return parsePayload(frameType, payload);
                }
                case SKIP -> {
                    int n = (int) Math.min(remaining, limit - pos);
                    pos += n;
                    remaining -= n;
                    if (remaining > 0) {
                        return null;
                    }
                    state = State.HEADER;
                }
                default -> throw new IllegalStateException();
            }
        }
    }

    /** True when the stream may end here: between frames, with no partial frame buffered. */
    public boolean atFrameBoundary() {
        return state == State.HEADER && headerLen == 0;
    }

    /** Call at the stream's FIN, after {@link #next} returned null: a cut frame is H3_FRAME_ERROR (§7.1). */
    public void endOfStream() throws Http3Exception {
        if (!atFrameBoundary() || pos < limit) {
            throw new Http3Exception(Http3Error.H3_FRAME_ERROR, "stream ended inside a frame");
        }
    }

    private boolean readHeader() {
        while (pos < limit) {
            header[headerLen++] = in[pos++];
            int typeLen = VarInt.lengthOf(header[0]);
            if (headerLen <= typeLen) {
                continue;
            }
            int lengthLen = VarInt.lengthOf(header[typeLen]);
            if (headerLen < typeLen + lengthLen) {
                continue;
            }
            frameType = VarInt.decode(header, 0);
            remaining = VarInt.decode(header, typeLen);
            headerLen = 0;
            return true;
        }
        return false;
    }

    private Event startFrame() throws Http3Exception {
        long type = frameType;
        long length = remaining;
        if (type == Http3Frame.TYPE_DATA) {
            state = length == 0 ? State.HEADER : State.DATA;
            return new DataFrame(length);
        }
        if (Http3Frame.isHttp2Only(type)) {
            throw new Http3Exception(Http3Error.H3_FRAME_UNEXPECTED, "HTTP/2 frame type " + type);
        }
        long cap = payloadCap(type);
        if (cap < 0) {
            state = State.SKIP;
            return null;
        }
        if (length > cap) {
            // A field section over our limit is the one message's problem (RFC 9114 §4.2.2), a stream
            // error like the decoded-size check in QpackDecoder; on a control stream it still closes
            // the connection (critical streams never yield stream errors).
            boolean section = type == Http3Frame.TYPE_HEADERS || type == Http3Frame.TYPE_PUSH_PROMISE;
            throw new Http3Exception(section || type == Http3Frame.TYPE_SETTINGS
                    ? Http3Error.H3_EXCESSIVE_LOAD : Http3Error.H3_FRAME_ERROR,
                    "frame type " + type + " length " + length + " above " + cap, section);
        }
        payload = new byte[(int) length];
        filled = 0;
        state = State.PAYLOAD;
        return payload.length == 0 ? next() : null;
    }

    /** Largest payload accepted for a known type, or -1 for a type we skip. */
    private long payloadCap(long type) {
        if (type == Http3Frame.TYPE_HEADERS || type == Http3Frame.TYPE_PUSH_PROMISE) {
            return maxHeadersPayload;
        } else if (type == Http3Frame.TYPE_SETTINGS) {
            return MAX_SETTINGS_PAYLOAD;
        } else if (type == Http3Frame.TYPE_CANCEL_PUSH || type == Http3Frame.TYPE_GOAWAY
                || type == Http3Frame.TYPE_MAX_PUSH_ID) {
            return 8;
        }
        return -1;
    }

    /** Parses the payload of a complete non-DATA frame. */
    static Http3Frame parsePayload(long type, byte[] p) throws Http3Exception {
        ByteReader r = new ByteReader(p);
        try {
            Http3Frame f;
            if (type == Http3Frame.TYPE_HEADERS) {
                return new HeadersFrame(p);
            } else if (type == Http3Frame.TYPE_SETTINGS) {
                return parseSettings(r);
            } else if (type == Http3Frame.TYPE_PUSH_PROMISE) {
                long pushId = r.readVarInt();
                return new PushPromiseFrame(pushId, r.readBytes(r.remaining()));
            } else if (type == Http3Frame.TYPE_CANCEL_PUSH) {
                f = new CancelPushFrame(r.readVarInt());
            } else if (type == Http3Frame.TYPE_GOAWAY) {
                f = new GoawayFrame(r.readVarInt());
            } else {
                f = new MaxPushIdFrame(r.readVarInt());
            }
            if (r.hasRemaining()) {
                throw new Http3Exception(Http3Error.H3_FRAME_ERROR, "trailing bytes in frame type " + type);
            }
            return f;
        } catch (TruncatedInputException e) {
            throw new Http3Exception(Http3Error.H3_FRAME_ERROR, "truncated frame type " + type);
        }
    }

    private static SettingsFrame parseSettings(ByteReader r) throws Http3Exception {
        Map<Long, Long> settings = new LinkedHashMap<>();
        while (r.hasRemaining()) {
            long id = r.readVarInt();
            long value = r.readVarInt();
            if (Http3Settings.isHttp2Reserved(id)) {
                throw new Http3Exception(Http3Error.H3_SETTINGS_ERROR, "HTTP/2 setting " + id);
            }
            if (settings.put(id, value) != null) {
                throw new Http3Exception(Http3Error.H3_SETTINGS_ERROR, "duplicate setting " + id);
            }
        }
        return new SettingsFrame(settings);
    }
}
