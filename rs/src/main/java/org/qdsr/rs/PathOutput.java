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
 * a {@link Target}: a {@link PathSender} stream (isolated mode) or an {@link InstructedOutput}
 * buffer (instructed mode). A known content length becomes a single DATA frame whose header is sent
 * with the HEADERS frame, so body bytes go in unframed; an unknown length frames every chunk.
 */
final class PathOutput implements StreamOutput {
    /** Largest DATA frame header (type + 8-byte length varint). */
    private static final int MAX_DATA_HEADER = 9;

    /** Where the stream bytes go. */
    interface Target {
        /** Accepts up to {@code len} bytes; returns how many it took. */
        int write(byte[] b, int off, int len);

        long writableBytes();

        void finish();

        void reset(long errorCode);
    }

    private final Target target;
    private final byte[] frameHeader = new byte[MAX_DATA_HEADER];
    private byte[] pending = new byte[0];
    private int pendingOffset;
    private boolean framePerChunk;
    private long written;

    PathOutput(Target target) {
        this.target = target;
    }

    /** Isolated mode: the stream of a path sender. */
    static PathOutput onPath(PathSender sender, long streamId) {
        return new PathOutput(new Target() {
            @Override
            public int write(byte[] b, int off, int len) {
                return sender.write(streamId, b, off, len);
            }

            @Override
            public long writableBytes() {
                return sender.writableBytes(streamId);
            }

            @Override
            public void finish() {
                sender.finish(streamId);
            }

            @Override
            public void reset(long errorCode) {
                sender.resetStream(streamId, errorCode);
            }
        });
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
            int n = target.write(pending, pendingOffset, pending.length - pendingOffset);
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
        long room = target.writableBytes();
        return framePerChunk ? Math.max(0, room - MAX_DATA_HEADER) : room;
    }

    @Override
    public void writeBody(byte[] b, int off, int len) {
        if (framePerChunk) {
            if (len == 0) {
                return;
            }
            int h = FrameWriter.writeDataFrameHeader(new ByteWriter(frameHeader), len);
            written += target.write(frameHeader, 0, h);
        }
        written += target.write(b, off, len);
    }

    @Override
    public void finish() {
        target.finish();
    }

    @Override
    public void reset(long errorCode) {
        target.reset(errorCode);
    }

    @Override
    public long bytesWritten() {
        return written;
    }
}
