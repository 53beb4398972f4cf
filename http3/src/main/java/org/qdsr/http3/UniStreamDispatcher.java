package org.qdsr.http3;

import org.qdsr.quic.wire.VarInt;

/**
 * Classifies the peer's unidirectional streams by their leading stream type varint (RFC 9114
 * §6.2, RFC 9204 §4.2) and enforces one control, one QPACK encoder and one QPACK decoder stream per
 * peer (a second is H3_STREAM_CREATION_ERROR). Push streams are refused: a client-initiated one is
 * H3_STREAM_CREATION_ERROR (§6.2.2); a server-initiated one is H3_ID_ERROR since we never send
 * MAX_PUSH_ID. Unknown and reserved types yield {@link Kind#UNKNOWN}: the integrator must stop
 * reading with STOP_SENDING({@link #UNKNOWN_STREAM_ERROR}) or discard the data (§6.2).
 * A stream closed or reset before its type is complete is not an error.
 */
public final class UniStreamDispatcher {
    /** What a unidirectional stream carries. */
    public enum Kind { CONTROL, PUSH, QPACK_ENCODER, QPACK_DECODER, UNKNOWN }

    /** Code to use with STOP_SENDING for a stream of {@link Kind#UNKNOWN} type. */
    public static final Http3Error UNKNOWN_STREAM_ERROR = Http3Error.H3_STREAM_CREATION_ERROR;

    private final boolean localIsServer;
    private boolean control;
    private boolean encoder;
    private boolean decoder;

    public UniStreamDispatcher(boolean localIsServer) {
        this.localIsServer = localIsServer;
    }

    /** Starts reading a new peer-initiated unidirectional stream. */
    public UniStream open() {
        return new UniStream();
    }

    /** The type-reading state of one stream. */
    public final class UniStream {
        private final byte[] type = new byte[8];
        private int have;
        private Kind kind;
        private long streamType = -1;

        /**
         * Consumes stream type bytes from the slice and returns how many were consumed (at most
         * {@code len}); once {@link #kind()} is non-null, the rest of the slice and all later bytes
         * belong to that stream's handler.
         */
        public int feed(byte[] b, int off, int len) throws Http3Exception {
            int used = 0;
            while (kind == null && used < len) {
                type[have++] = b[off + used++];
                if (have == VarInt.lengthOf(type[0])) {
                    streamType = VarInt.decode(type, 0);
                    kind = register(streamType);
                }
            }
            return used;
        }

        /** The stream's kind, or null while the type is incomplete. */
        public Kind kind() {
            return kind;
        }

        /** The raw stream type, or -1 while incomplete. */
        public long streamType() {
            return streamType;
        }
    }

    private Kind register(long t) throws Http3Exception {
        if (t == FrameWriter.STREAM_CONTROL) {
            control = once(control, "control");
            return Kind.CONTROL;
        } else if (t == FrameWriter.STREAM_QPACK_ENCODER) {
            encoder = once(encoder, "QPACK encoder");
            return Kind.QPACK_ENCODER;
        } else if (t == FrameWriter.STREAM_QPACK_DECODER) {
            decoder = once(decoder, "QPACK decoder");
            return Kind.QPACK_DECODER;
        } else if (t == FrameWriter.STREAM_PUSH) {
            throw localIsServer
                    ? new Http3Exception(Http3Error.H3_STREAM_CREATION_ERROR, "push stream from a client")
                    : new Http3Exception(Http3Error.H3_ID_ERROR, "push stream but no MAX_PUSH_ID was sent");
        }
        return Kind.UNKNOWN;
    }

    private static boolean once(boolean seen, String what) throws Http3Exception {
        if (seen) {
            throw new Http3Exception(Http3Error.H3_STREAM_CREATION_ERROR, "second " + what + " stream");
        }
        return true;
    }
}
