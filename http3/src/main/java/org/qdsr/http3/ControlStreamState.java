package org.qdsr.http3;

import java.util.Map;
import org.qdsr.http3.Http3Frame.CancelPushFrame;
import org.qdsr.http3.Http3Frame.GoawayFrame;
import org.qdsr.http3.Http3Frame.MaxPushIdFrame;
import org.qdsr.http3.Http3Frame.SettingsFrame;

/**
 * The peer's control stream (RFC 9114 §6.2.1): feed its bytes after the stream type. All
 * violations are connection errors. Push is never enabled on our side: as a client we never send
 * MAX_PUSH_ID, as a server we never promise.
 */
public final class ControlStreamState {
    private final boolean peerIsServer;
    private final FrameReader reader = new FrameReader();
    private Map<Long, Long> settings;
    private long goawayId = -1;
    private long maxPushId = -1;

    /** @param peerIsServer true on a client (the peer is the server), false on a server */
    public ControlStreamState(boolean peerIsServer) {
        this.peerIsServer = peerIsServer;
    }

    /** Processes control stream bytes (after the stream type varint). */
    public void feed(byte[] b, int off, int len) throws Http3Exception {
        reader.feed(b, off, len);
        for (FrameReader.Event e; (e = reader.next()) != null; ) {
            onFrame(e);
        }
    }

    /** The control stream must never close (§6.2.1): always throws H3_CLOSED_CRITICAL_STREAM. */
    public void endOfStream() throws Http3Exception {
        throw new Http3Exception(Http3Error.H3_CLOSED_CRITICAL_STREAM, "peer closed its control stream");
    }

    private void onFrame(FrameReader.Event e) throws Http3Exception {
        if (settings == null) {
            if (!(e instanceof SettingsFrame s)) {
                throw new Http3Exception(Http3Error.H3_MISSING_SETTINGS, "first control frame is not SETTINGS");
            }
            settings = s.settings();
        } else if (e instanceof GoawayFrame g) {
            onGoaway(g.id());
        } else if (e instanceof MaxPushIdFrame m) {
            if (peerIsServer) {
                throw unexpected("MAX_PUSH_ID from a server");
            }
            if (m.pushId() < maxPushId) {
                throw new Http3Exception(Http3Error.H3_ID_ERROR, "MAX_PUSH_ID decreased");
            }
            maxPushId = m.pushId();
        } else if (e instanceof CancelPushFrame c) {
            if (peerIsServer || c.pushId() > maxPushId) {
                throw new Http3Exception(Http3Error.H3_ID_ERROR, "CANCEL_PUSH for push ID " + c.pushId());
            }
        } else {
            throw unexpected(e.getClass().getSimpleName() + " on the control stream");
        }
    }

    private void onGoaway(long id) throws Http3Exception {
        if (peerIsServer && id % 4 != 0) {
            throw new Http3Exception(Http3Error.H3_ID_ERROR, "GOAWAY " + id + " is not a client bidirectional stream");
        }
        if (goawayId >= 0 && id > goawayId) {
            throw new Http3Exception(Http3Error.H3_ID_ERROR, "GOAWAY id increased from " + goawayId + " to " + id);
        }
        goawayId = id;
    }

    private static Http3Exception unexpected(String what) {
        return new Http3Exception(Http3Error.H3_FRAME_UNEXPECTED, what);
    }

    public boolean settingsReceived() {
        return settings != null;
    }

    /** The peer's SETTINGS (empty until received). */
    public Map<Long, Long> settings() {
        return settings == null ? Map.of() : settings;
    }

    /** A setting's value, or {@code dflt} if absent or not yet received. */
    public long setting(long id, long dflt) {
        return settings().getOrDefault(id, dflt);
    }

    /** SETTINGS_MAX_FIELD_SECTION_SIZE; unlimited (Long.MAX_VALUE) by default (§7.2.4.1). */
    public long maxFieldSectionSize() {
        return setting(Http3Settings.MAX_FIELD_SECTION_SIZE, Long.MAX_VALUE);
    }

    public long qpackMaxTableCapacity() {
        return setting(Http3Settings.QPACK_MAX_TABLE_CAPACITY, 0);
    }

    public long qpackBlockedStreams() {
        return setting(Http3Settings.QPACK_BLOCKED_STREAMS, 0);
    }

    public boolean goawayReceived() {
        return goawayId >= 0;
    }

    /** The last GOAWAY id (requests on streams >= it were not processed), or -1. */
    public long goawayId() {
        return goawayId;
    }

    /** The client's MAX_PUSH_ID (server side), or -1. */
    public long maxPushId() {
        return maxPushId;
    }
}
