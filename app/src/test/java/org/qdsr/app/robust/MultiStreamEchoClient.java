package org.qdsr.app.robust;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.qdsr.quic.connection.CloseReason;
import org.qdsr.quic.connection.ConnectionEvent;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.endpoint.ConnectionHandler;

/**
 * Client application: once established, opens one bidirectional stream per payload, sends it
 * with FIN, and collects what comes back. {@link #done} completes when every stream ended.
 */
final class MultiStreamEchoClient implements ConnectionHandler {
    private final List<byte[]> payloads;
    private final long[] streams;
    private final int[] sent;
    private final boolean[] finished;
    private final List<ByteArrayOutputStream> received = new ArrayList<>();
    private final byte[] buf = new byte[65536];
    final CompletableFuture<Void> done = new CompletableFuture<>();
    volatile boolean handshakeDone;
    volatile CloseReason closed;
    volatile QuicConnection connection;

    MultiStreamEchoClient(List<byte[]> payloads) {
        this.payloads = payloads;
        this.streams = new long[payloads.size()];
        this.sent = new int[payloads.size()];
        this.finished = new boolean[payloads.size()];
        java.util.Arrays.fill(streams, -1);
        for (int i = 0; i < payloads.size(); i++) {
            received.add(new ByteArrayOutputStream());
        }
    }

    byte[] received(int i) {
        return received.get(i).toByteArray();
    }

    boolean isDone() {
        return done.isDone();
    }

    @Override
    public void onActivity(QuicConnection c, long now) {
        connection = c;
        ConnectionEvent e;
        while ((e = c.pollEvent()) != null) {
            if (e instanceof ConnectionEvent.HandshakeCompleted) {
                handshakeDone = true;
            } else if (e instanceof ConnectionEvent.Closed cl) {
                closed = cl.reason();
                done.completeExceptionally(new IllegalStateException("connection closed: " + cl.reason()));
            }
        }
        if (!c.isEstablished()) {
            return;
        }
        int ended = 0;
        for (int i = 0; i < streams.length; i++) {
            if (streams[i] < 0) {
                streams[i] = c.openStream(true);
                if (streams[i] < 0) {
                    continue;
                }
            }
            ended += service(c, i) ? 1 : 0;
        }
        if (ended == streams.length) {
            done.complete(null);
        }
    }

    private boolean service(QuicConnection c, int i) {
        byte[] p = payloads.get(i);
        if (sent[i] < p.length) {
            sent[i] += c.write(streams[i], p, sent[i], p.length - sent[i]);
        }
        if (sent[i] == p.length && !finished[i]) {
            c.finish(streams[i]);
            finished[i] = true;
        }
        int n;
        while ((n = c.read(streams[i], buf, 0, buf.length)) > 0) {
            received.get(i).write(buf, 0, n);
        }
        return n < 0;
    }
}
