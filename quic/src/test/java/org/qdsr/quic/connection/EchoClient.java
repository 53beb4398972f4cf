package org.qdsr.quic.connection;

import java.io.ByteArrayOutputStream;
import org.qdsr.quic.endpoint.ConnectionHandler;

/** Test client application: sends {@code payload} on one bidirectional stream and collects the echo. */
final class EchoClient implements ConnectionHandler {
    private final byte[] payload;
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final byte[] buf = new byte[65536];
    long stream = -1;
    private int sent;
    boolean done;
    boolean handshakeDone;
    CloseReason closed;

    EchoClient(byte[] payload) {
        this.payload = payload;
    }

    @Override
    public void onActivity(QuicConnection c, long now) {
        ConnectionEvent e;
        while ((e = c.pollEvent()) != null) {
            if (e instanceof ConnectionEvent.HandshakeCompleted) {
                handshakeDone = true;
            } else if (e instanceof ConnectionEvent.Closed cl) {
                closed = cl.reason();
            }
        }
        if (c.isEstablished() && stream < 0) {
            stream = c.openStream(true);
        }
        if (stream < 0) {
            return;
        }
        if (sent < payload.length) {
            sent += c.write(stream, payload, sent, payload.length - sent);
            if (sent == payload.length) {
                c.finish(stream);
            }
        }
        int n;
        while ((n = c.read(stream, buf, 0, buf.length)) > 0) {
            received.write(buf, 0, n);
        }
        if (n < 0) {
            done = true;
        }
    }
}
