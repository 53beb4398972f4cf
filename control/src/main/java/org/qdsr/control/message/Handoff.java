package org.qdsr.control.message;

import java.util.Arrays;
import java.util.Objects;

/**
 * LB to RS: serve request stream {@code streamId} of client connection {@code connectionKey}.
 * {@code snapshot} is {@code org.qdsr.quic.path.ConnectionSnapshot#encode()} and holds the 1-RTT
 * write secret: it is SECRET and never printed. In {@link Mode#PROXY} the RS answers with
 * {@link ProxyHead} and {@link ProxyData} over the channel instead of sending to the client; in
 * {@link Mode#INSTRUCTED} it reports {@link StreamReady} and sends what {@link SendInstructions} say.
 *
 * @param handoffId     LB-chosen ID, unique per channel, echoed in logs
 * @param connectionKey LB-local ID of the client connection (0..2^62-1), used by every later message
 * @param mayRefuse     the LB has another backend to try: an RS whose origin cannot be reached
 *                      (nothing was sent to it, so any method is safe to repeat) answers {@link
 *                      StreamReport.Outcome#REJECTED} instead of 502, and the LB retries elsewhere.
 *                      Appended to the body as a flag, absent (false) from an older LB.
 */
public record Handoff(long handoffId, long connectionKey, long streamId, byte[] snapshot, RequestHead request,
                      Mode mode, boolean mayRefuse) implements ControlMessage {

    /** How the RS delivers the response. */
    public enum Mode {
        /** Direct Server Return on the RS's own path (packet-number space). */
        ISOLATED(1),
        /** The RS streams the response back to the LB over the control channel. */
        PROXY(2),
        /**
         * The LB numbers every packet and runs recovery and congestion control; the RS keeps the
         * response bytes ({@link StreamReady}) and fills, seals and sends only the packets the LB
         * tells it to ({@link SendInstructions}). Same body as {@link #ISOLATED} (the snapshot
         * carries the 1-RTT write keys, the client CID and address; path ID 0).
         */
        INSTRUCTED(3);

        private final int code;

        Mode(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        public static Mode fromCode(long code) {
            for (Mode m : values()) {
                if (m.code == code) {
                    return m;
                }
            }
            return null;
        }
    }

    public Handoff {
        Checks.varint(handoffId, "handoffId");
        Checks.varint(connectionKey, "connectionKey");
        Checks.varint(streamId, "streamId");
        snapshot = Checks.copy(snapshot, "snapshot");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(mode, "mode");
    }

    /** A handoff the RS answers itself whatever happens (the last backend the LB could try). */
    public Handoff(long handoffId, long connectionKey, long streamId, byte[] snapshot, RequestHead request, Mode mode) {
        this(handoffId, connectionKey, streamId, snapshot, request, mode, false);
    }

    /** A copy of the encoded snapshot (contains key material). */
    @Override
    public byte[] snapshot() {
        return snapshot.clone();
    }

    byte[] snapshotUnsafe() {
        return snapshot;
    }

    @Override
    public int typeCode() {
        return MessageType.HANDOFF;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Handoff h && handoffId == h.handoffId && connectionKey == h.connectionKey
                && streamId == h.streamId && Arrays.equals(snapshot, h.snapshot) && request.equals(h.request)
                && mode == h.mode && mayRefuse == h.mayRefuse;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(handoffId) * 31 + Long.hashCode(connectionKey) * 17 + Long.hashCode(streamId);
    }

    @Override
    public String toString() {
        return "Handoff[id=" + handoffId + ", connection=" + connectionKey + ", stream=" + streamId + ", mode=" + mode
                + ", snapshot=<redacted " + snapshot.length + " bytes>, request=" + request
                + (mayRefuse ? ", mayRefuse" : "") + "]";
    }
}
