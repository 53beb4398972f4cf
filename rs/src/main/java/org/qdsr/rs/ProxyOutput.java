package org.qdsr.rs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.qdsr.control.message.Header;
import org.qdsr.control.message.ProxyData;
import org.qdsr.control.message.ProxyHead;
import org.qdsr.http3.qpack.Field;
import org.qdsr.rs.content.ResponseHead;

/**
 * Proxy mode (DESIGN.md "Delivery modes"): the head as a {@link ProxyHead}, the body as
 * {@link ProxyData} chunks at body offsets. Window rule (README): the RS sends body bytes up to
 * offset {@code limit}, initially {@link RealServerCore.Config#proxyWindow()}; the LB raises it
 * with StreamControl(MAX_STREAM_DATA, newLimit) as it forwards bytes to the client.
 */
final class ProxyOutput implements StreamOutput {
    /** Largest ProxyData chunk. */
    static final int MAX_CHUNK = 64 * 1024;

    private final MessageSink sink;
    private final long linkId;
    private final long connectionKey;
    private final long streamId;
    private long limit;
    private long offset;

    ProxyOutput(MessageSink sink, long linkId, long connectionKey, long streamId, long initialWindow) {
        this.sink = sink;
        this.linkId = linkId;
        this.connectionKey = connectionKey;
        this.streamId = streamId;
        this.limit = initialWindow;
    }

    /** StreamControl(MAX_STREAM_DATA): the body offset the RS may send up to; never shrinks. */
    void raiseLimit(long newLimit) {
        limit = Math.max(limit, newLimit);
    }

    @Override
    public void writeHead(ResponseHead head, boolean noBody) {
        List<Header> headers = new ArrayList<>(head.headers().size());
        for (Field f : head.headers()) {
            headers.add(new Header(f.name(), f.value()));
        }
        sink.send(linkId, new ProxyHead(connectionKey, streamId, head.status(), headers, head.contentLength()));
    }

    @Override
    public long bodyWritable() {
        return Math.max(0, Math.min(MAX_CHUNK, limit - offset));
    }

    @Override
    public void writeBody(byte[] b, int off, int len) {
        if (len > 0) {
            sink.send(linkId, new ProxyData(connectionKey, streamId, offset, Arrays.copyOfRange(b, off, off + len),
                    false));
            offset += len;
        }
    }

    @Override
    public void finish() {
        sink.send(linkId, new ProxyData(connectionKey, streamId, offset, new byte[0], true));
    }

    @Override
    public void reset(long errorCode) {
        // the StreamReport the core sends tells the LB to reset the client's stream
    }

    @Override
    public long bytesWritten() {
        return offset;
    }
}
