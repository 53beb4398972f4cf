package org.qdsr.control.message;

/**
 * RS to LB in {@link Handoff.Mode#INSTRUCTED} mode: the RS holds the response bytes of stream
 * {@code streamId} (HTTP/3 HEADERS and DATA frames, counted in QUIC stream offsets) up to
 * {@code readyOffset}, so the LB may instruct packets for any range below it. With {@code fin},
 * {@code readyOffset} is the stream's final size (RFC 9000 §4.5). Sent when the stream's head is
 * ready and again as more bytes are buffered; for one stream, {@code readyOffset} never decreases.
 *
 * @param status the response's HTTP status code once the RS knows it ({@code 0}: not given in this
 *               message), so the LB's access log names it: in this mode no {@link StreamReport}
 *               follows a successful response. Appended to the body (docs/control-protocol.md,
 *               "Versioning") and left out when 0, so an older LB reads the message as before.
 */
public record StreamReady(long connectionKey, long streamId, long readyOffset, boolean fin, int status)
        implements ControlMessage {

    public StreamReady {
        Checks.varint(connectionKey, "connectionKey");
        Checks.varint(streamId, "streamId");
        Checks.varint(readyOffset, "readyOffset");
        if (status != 0 && (status < 100 || status > 999)) {
            throw new IllegalArgumentException("status must be 0 or 100..999: " + status);
        }
    }

    /** A StreamReady that names no status. */
    public StreamReady(long connectionKey, long streamId, long readyOffset, boolean fin) {
        this(connectionKey, streamId, readyOffset, fin, 0);
    }

    @Override
    public int typeCode() {
        return MessageType.STREAM_READY;
    }
}
