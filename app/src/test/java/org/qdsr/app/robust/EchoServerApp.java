package org.qdsr.app.robust;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;
import org.qdsr.quic.connection.ConnectionEvent;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.endpoint.ConnectionHandler;

/**
 * Server application for the robustness tests: echoes every stream's bytes back on the same
 * stream and finishes it after the peer's FIN. Remembers the last close reason it saw.
 */
final class EchoServerApp implements ConnectionHandler {
    private final byte[] buf = new byte[65536];
    private final Map<Long, ByteArrayOutputStream> pending = new HashMap<>();
    volatile QuicConnection connection;
    volatile boolean handshakeDone;
    volatile org.qdsr.quic.connection.CloseReason closed;

    @Override
    public void onActivity(QuicConnection c, long now) {
        connection = c;
        ConnectionEvent e;
        while ((e = c.pollEvent()) != null) {
            if (e instanceof ConnectionEvent.HandshakeCompleted) {
                handshakeDone = true;
            } else if (e instanceof ConnectionEvent.Closed cl) {
                closed = cl.reason();
            } else if (e instanceof ConnectionEvent.StreamReadable r) {
                pump(c, r.streamId());
            } else if (e instanceof ConnectionEvent.StreamWritable w) {
                pump(c, w.streamId());
            }
        }
    }

    private void pump(QuicConnection c, long id) {
        ByteArrayOutputStream out = pending.computeIfAbsent(id, k -> new ByteArrayOutputStream());
        int n;
        while ((n = c.read(id, buf, 0, buf.length)) > 0) {
            out.write(buf, 0, n);
        }
        byte[] data = out.toByteArray();
        int written = data.length == 0 ? 0 : c.write(id, data, 0, data.length);
        out.reset();
        out.write(data, written, data.length - written);
        if (n < 0 && out.size() == 0) {
            c.finish(id);
            pending.remove(id);
        }
    }
}
