package org.qdsr.control.message;

/**
 * RS to LB in {@link Handoff.Mode#INSTRUCTED} mode: the RS holds the response bytes of stream
 * {@code streamId} (HTTP/3 HEADERS and DATA frames, counted in QUIC stream offsets) up to
 * {@code readyOffset}, so the LB may instruct packets for any range below it. With {@code fin},
 * {@code readyOffset} is the stream's final size (RFC 9000 §4.5). Sent when the stream's head is
 * ready and again as more bytes are buffered; for one stream, {@code readyOffset} never decreases.
 */
public record StreamReady(long connectionKey, long streamId, long readyOffset, boolean fin)
        implements ControlMessage {

    public StreamReady {
        Checks.varint(connectionKey, "connectionKey");
        Checks.varint(streamId, "streamId");
        Checks.varint(readyOffset, "readyOffset");
    }

    @Override
    public int typeCode() {
        return MessageType.STREAM_READY;
    }
}
