package org.qdsr.rs;

import java.util.ArrayList;
import java.util.List;
import org.qdsr.http3.FrameWriter;
import org.qdsr.http3.qpack.Field;
import org.qdsr.quic.path.PathSender;
import org.qdsr.quic.wire.ByteWriter;
import org.qdsr.rs.content.ResponseHead;

/**
 * HTTP/3 response stream bytes (RFC 9114 §4.1: one HEADERS frame, then DATA frames) written into
 * a {@link PathSender}. A known content length becomes a single DATA frame whose header is sent
 * with the HEADERS frame, so body bytes go in unframed; an unknown length frames every chunk.
 */
final class PathOutput implements StreamOutput {
    /** Largest DATA frame header (type + 8-byte length varint). */
    private static final int MAX_DATA_HEADER = 9;

    private final PathSender sender;
    private final long streamId;
    private final byte[] frameHeader = new byte[MAX_DATA_HEADER];
    private byte[] pending = new byte[0];
    private int pendingOffset;
    private boolean framePerChunk;
    private long written;

    PathOutput(PathSender sender, long streamId) {
        this.sender = sender;
        this.streamId = streamId;
    }

    /** The HEADERS frame of {@code head} (RFC 9114 §4.3.2): :status, then content-length when known. */
    static byte[] headersFrame(ResponseHead head) {
        List<Field> fields = new ArrayList<>(head.headers().size() + 2);
        fields.add(new Field(":status", Integer.toString(head.status())));
        for (Field f : head.headers()) {
            fields.add(f);
        }
        if (head.contentLength() >= 0) {
            fields.add(new Field("content-length", Long.toString(head.contentLength())));
        }
        return FrameWriter.headersFrame(fields);
    }

    @Override
    public void writeHead(ResponseHead head, boolean noBody) {
        byte[] headers = headersFrame(head);
        long length = head.contentLength();
        framePerChunk = length < 0;
        if (noBody || length <= 0) {
            pending = headers;
        } else {
            pending = new byte[headers.length + FrameWriter.dataFrameHeaderLength(length)];
            System.arraycopy(headers, 0, pending, 0, headers.length);
            FrameWriter.writeDataFrameHeader(new ByteWriter(pending, headers.length, pending.length - headers.length),
                    length);
        }
        pendingOffset = 0;
        flushPending();
    }

    private boolean flushPending() {
        if (pendingOffset < pending.length) {
            int n = sender.write(streamId, pending, pendingOffset, pending.length - pendingOffset);
            pendingOffset += n;
            written += n;
        }
        return pendingOffset == pending.length;
    }

    @Override
    public long bodyWritable() {
        if (!flushPending()) {
            return 0;
        }
        long room = sender.writableBytes(streamId);
        return framePerChunk ? Math.max(0, room - MAX_DATA_HEADER) : room;
    }

    @Override
    public void writeBody(byte[] b, int off, int len) {
        if (framePerChunk) {
            if (len == 0) {
                return;
            }
            int h = FrameWriter.writeDataFrameHeader(new ByteWriter(frameHeader), len);
            written += sender.write(streamId, frameHeader, 0, h);
        }
        written += sender.write(streamId, b, off, len);
    }

    @Override
    public void finish() {
        sender.finish(streamId);
    }

    @Override
    public void reset(long errorCode) {
        sender.resetStream(streamId, errorCode);
    }

    @Override
    public long bytesWritten() {
        return written;
    }
}
