package org.qdsr.http3;

import java.util.Map;

/**
 * HTTP/3 frames (RFC 9114 §7.2) as produced by {@link FrameReader}. A DATA frame is reported as a
 * {@link DataFrame} header (its length) followed by {@link FrameReader.DataChunk}s of its payload,
 * so bodies are never buffered whole.
 */
public sealed interface Http3Frame extends FrameReader.Event {
    long TYPE_DATA = 0x00;
    long TYPE_HEADERS = 0x01;
    long TYPE_CANCEL_PUSH = 0x03;
    long TYPE_SETTINGS = 0x04;
    long TYPE_PUSH_PROMISE = 0x05;
    long TYPE_GOAWAY = 0x07;
    long TYPE_MAX_PUSH_ID = 0x0d;

    /** True for frame types reserved because they were HTTP/2-only (§7.2.8): 0x02, 0x06, 0x08, 0x09. */
    static boolean isHttp2Only(long type) {
        return type == 0x02 || type == 0x06 || type == 0x08 || type == 0x09;
    }

    /** True for the greasing code points 0x1f * N + 0x21 (§7.2.8, also used for stream types and settings). */
    static boolean isReserved(long type) {
        return type >= 0x21 && (type - 0x21) % 0x1f == 0;
    }

    /** Start of a DATA frame (§7.2.1); {@code length} payload bytes follow as chunks. */
    record DataFrame(long length) implements Http3Frame {
    }

    /** A HEADERS frame (§7.2.2) carrying an encoded QPACK field section. */
    record HeadersFrame(byte[] fieldSection) implements Http3Frame {
    }

    /** CANCEL_PUSH (§7.2.3). */
    record CancelPushFrame(long pushId) implements Http3Frame {
    }

    /** SETTINGS (§7.2.4): identifier to value, in wire order, without duplicates. */
    record SettingsFrame(Map<Long, Long> settings) implements Http3Frame {
        public SettingsFrame {
            settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
        }
    }

    /** PUSH_PROMISE (§7.2.5); parsed only so that it can be rejected: we never enable push. */
    record PushPromiseFrame(long pushId, byte[] fieldSection) implements Http3Frame {
    }

    /** GOAWAY (§7.2.6): a stream ID from a server, a push ID from a client. */
    record GoawayFrame(long id) implements Http3Frame {
    }

    /** MAX_PUSH_ID (§7.2.7). */
    record MaxPushIdFrame(long pushId) implements Http3Frame {
    }
}
