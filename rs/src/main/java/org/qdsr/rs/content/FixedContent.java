package org.qdsr.rs.content;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.qdsr.http3.qpack.Field;
import org.qdsr.http3.session.BodySource;

/** A content whose head is known at once and whose body is a {@link BodySource} (a file, bytes). */
public final class FixedContent implements Content {
    private final ResponseHead head;
    private final BodySource body;
    private boolean closed;

    public FixedContent(ResponseHead head, BodySource body) {
        this.head = head;
        this.body = body;
    }

    /** A short text response, e.g. 404 or 405. */
    public static FixedContent text(int status, String message, List<Field> extraHeaders) {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        List<Field> headers = new ArrayList<>();
        headers.add(new Field("content-type", "text/plain; charset=utf-8"));
        headers.addAll(extraHeaders);
        return new FixedContent(new ResponseHead(status, headers, b.length), BodySource.ofBytes(b));
    }

    @Override
    public ResponseHead head(long now) {
        return head;
    }

    @Override
    public int read(byte[] buf, int off, int len, long now) throws IOException {
        return body.read(buf, off, len);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                body.close();
            } catch (Exception e) {
                // nothing left to do with a body we no longer read
            }
        }
    }
}
