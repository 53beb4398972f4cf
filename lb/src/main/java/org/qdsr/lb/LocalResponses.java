package org.qdsr.lb;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.qdsr.http3.FrameWriter;
import org.qdsr.http3.qpack.Field;

/** Complete HTTP/3 response stream bytes the load balancer writes itself (errors such as 503). */
final class LocalResponses {
    private LocalResponses() {
    }

    static byte[] of(int status, String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        byte[] head = FrameWriter.headersFrame(List.of(new Field(":status", Integer.toString(status)),
                new Field("content-type", "text/plain"), new Field("content-length", Integer.toString(body.length))));
        byte[] data = FrameWriter.dataFrame(body, 0, body.length);
        byte[] out = new byte[head.length + data.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(data, 0, out, head.length, data.length);
        return out;
    }
}
