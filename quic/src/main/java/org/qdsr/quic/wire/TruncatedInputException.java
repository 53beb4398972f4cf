package org.qdsr.quic.wire;

/**
 * Thrown by {@link ByteReader} when input ends before a field does. Callers at a protocol
 * boundary turn it into the error their layer prescribes (a dropped packet, FRAME_ENCODING_ERROR,
 * H3_FRAME_ERROR, ...); it never escapes an event loop.
 */
public final class TruncatedInputException extends RuntimeException {
    public TruncatedInputException(String what) {
        super("input ends inside " + what, null, false, false);
    }
}
