package org.qdsr.quic.connection;

import java.io.ByteArrayOutputStream;
import org.qdsr.quic.endpoint.ConnectionHandler;

/**
 * A client application for in-memory tests: once established it opens one bidirectional stream,
 * sends "GET" with FIN, and collects the response bytes until the peer's FIN.
 */
final class OneRequestClient implements ConnectionHandler {
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final byte[] buf = new byte[65536];
    private long stream = -1;
    private boolean fin;

    boolean finished() {
        return fin;
    }

    @Override
    public void onActivity(QuicConnection c, long now) {
        while (c.pollEvent() != null) {
            // drain
        }
        if (c.isEstablished() && stream < 0) {
            stream = c.openStream(true);
            c.write(stream, "GET".getBytes(), 0, 3);
            c.finish(stream);
        }
        int n;
        while (stream >= 0 && (n = c.read(stream, buf, 0, buf.length)) > 0) {
            received.write(buf, 0, n);
        }
        fin |= stream >= 0 && c.read(stream, buf, 0, 0) < 0;
    }
}
