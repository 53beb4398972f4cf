package org.qdsr.rs.content;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.qdsr.http3.Request;
import org.qdsr.http3.qpack.Field;

/**
 * Adds {@code x-served-by: NAME} to every response of a source, so operators (and the demo)
 * can see which real server answered a stream.
 */
public final class ServedBy implements ContentSource {
    public static final String HEADER = "x-served-by";

    private final ContentSource source;
    private final String name;

    public ServedBy(ContentSource source, String name) {
        this.source = source;
        this.name = name;
    }

    @Override
    public Content open(Request request, long now, Runnable wakeup) {
        return open(Handed.of(request), now, wakeup);
    }

    @Override
    public Content open(Handed handed, long now, Runnable wakeup) {
        Content inner = source.open(handed, now, wakeup);
        return new Content() {
            @Override
            public ResponseHead head(long now) throws IOException {
                ResponseHead h = inner.head(now);
                if (h == null) {
                    return null;
                }
                List<Field> fields = new ArrayList<>(h.headers());
                fields.add(new Field(HEADER, name));
                return new ResponseHead(h.status(), fields, h.contentLength());
            }

            @Override
            public int read(byte[] buf, int off, int len, long now) throws IOException {
                return inner.read(buf, off, len, now);
            }

            @Override
            public long notBefore() {
                return inner.notBefore();
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }

    @Override
    public void close() {
        source.close();
    }
}
