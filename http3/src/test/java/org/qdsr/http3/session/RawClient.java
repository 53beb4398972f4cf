package org.qdsr.http3.session;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.qdsr.quic.connection.ConnectionEvent;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.endpoint.ConnectionHandler;

/** A client that writes raw bytes on QUIC streams (to send what a correct client never would) and records everything. */
final class RawClient implements ConnectionHandler {
    private final Consumer<QuicConnection> script;
    final List<ConnectionEvent> events = new ArrayList<>();
    final Map<Long, ByteArrayOutputStream> received = new HashMap<>();
    final Set<Long> finished = new HashSet<>();
    private boolean started;

    RawClient(Consumer<QuicConnection> script) {
        this.script = script;
    }

    @Override
    public void onActivity(QuicConnection c, long now) {
        byte[] buf = new byte[16384];
        for (ConnectionEvent e; (e = c.pollEvent()) != null; ) {
            events.add(e);
            if (e instanceof ConnectionEvent.StreamReadable r) {
                int n;
                ByteArrayOutputStream out = received.computeIfAbsent(r.streamId(), k -> new ByteArrayOutputStream());
                while ((n = c.read(r.streamId(), buf, 0, buf.length)) > 0) {
                    out.write(buf, 0, n);
                }
                if (n < 0) {
                    finished.add(r.streamId());
                }
            }
        }
        if (!started && c.isEstablished()) {
            started = true;
            script.accept(c);
        }
    }

    boolean sawReset(long streamId, long code) {
        return events.stream().anyMatch(e -> e instanceof ConnectionEvent.StreamReset r
                && r.streamId() == streamId && r.errorCode() == code);
    }
}
