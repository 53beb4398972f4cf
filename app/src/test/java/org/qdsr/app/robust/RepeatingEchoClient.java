package org.qdsr.app.robust;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.qdsr.quic.connection.CloseReason;
import org.qdsr.quic.connection.ConnectionEvent;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.endpoint.ConnectionHandler;

/**
 * Client application that runs one small echo per {@link #startEcho} call (on the loop thread),
 * counting byte-exact and corrupted completions; used to keep a live connection busy.
 */
final class RepeatingEchoClient implements ConnectionHandler {
    private final Map<Long, byte[]> expected = new HashMap<>();
    private final Map<Long, ByteArrayOutputStream> received = new HashMap<>();
    private final byte[] buf = new byte[65536];
    final AtomicInteger exact = new AtomicInteger();
    final AtomicInteger corrupted = new AtomicInteger();
    volatile boolean established;
    volatile CloseReason closed;
    private int seed;

    /** Opens a stream and sends {@code size} random bytes with FIN; false if not possible now. */
    boolean startEcho(QuicConnection c, int size) {
        if (!c.isEstablished()) {
            return false;
        }
        long id = c.openStream(true);
        if (id < 0) {
            return false;
        }
        byte[] payload = Fixtures.randomBytes(size, ++seed);
        if (c.write(id, payload, 0, size) != size) {
            return false;
        }
        c.finish(id);
        expected.put(id, payload);
        received.put(id, new ByteArrayOutputStream());
        return true;
    }

    @Override
    public void onActivity(QuicConnection c, long now) {
        ConnectionEvent e;
        while ((e = c.pollEvent()) != null) {
            if (e instanceof ConnectionEvent.HandshakeCompleted) {
                established = true;
            } else if (e instanceof ConnectionEvent.Closed cl) {
                closed = cl.reason();
            }
        }
        for (Long id : expected.keySet().toArray(new Long[0])) {
            int n;
            while ((n = c.read(id, buf, 0, buf.length)) > 0) {
                received.get(id).write(buf, 0, n);
            }
            if (n < 0) {
                boolean same = Arrays.equals(expected.remove(id), received.remove(id).toByteArray());
                (same ? exact : corrupted).incrementAndGet();
            }
        }
    }
}
