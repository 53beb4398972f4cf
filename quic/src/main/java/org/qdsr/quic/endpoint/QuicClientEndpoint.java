package org.qdsr.quic.endpoint;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.qdsr.quic.DatagramEndpoint;
import org.qdsr.quic.DatagramSink;
import org.qdsr.quic.connection.QuicConnection;

/**
 * A client endpoint, sans-I/O: one local socket carrying one or more client connections.
 * Datagrams go to the connection whose local connection IDs match, or to the only one.
 */
public final class QuicClientEndpoint implements DatagramEndpoint {
    private static final System.Logger LOG = System.getLogger(QuicClientEndpoint.class.getName());

    private record Entry(QuicConnection connection, ConnectionHandler handler) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final byte[] sendBuffer = new byte[65536];

    /** Adds a connection created with {@link QuicConnection#connect}; call on the endpoint's thread. */
    public void add(QuicConnection connection, ConnectionHandler handler) {
        entries.add(new Entry(connection, handler));
    }

    @Override
    public void onDatagram(byte[] data, int off, int len, InetSocketAddress from, long now) {
        Entry target = entries.size() == 1 ? entries.get(0) : find(data, off, len);
        if (target == null) {
            return;
        }
        target.connection.receive(data, off, len, from, now);
        notify(target, now);
    }

    private Entry find(byte[] data, int off, int len) {
        for (Entry e : entries) {
            for (var id : e.connection.localConnectionIds()) {
                var dcid = org.qdsr.quic.wire.PacketHeaders.peekDestinationConnectionId(data, off, len, id.length());
                if (id.equals(dcid)) {
                    return e;
                }
            }
        }
        return null;
    }

    private void notify(Entry e, long now) {
        try {
            e.handler.onActivity(e.connection, now);
        } catch (RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "client application failed; closing the connection", ex);
            e.connection.close(0x102, "internal error", now);
        }
    }

    @Override
    public void drainTransmit(long now, DatagramSink sink) {
        for (Entry e : entries) {
            if (!e.connection.drainTo(sendBuffer, sink, now)) {
                return;
            }
        }
    }

    @Override
    public long nextDeadline() {
        long t = Long.MAX_VALUE;
        for (Entry e : entries) {
            t = Math.min(t, e.connection.nextTimeout());
        }
        return t;
    }

    @Override
    public void onDeadline(long now) {
        for (Entry e : List.copyOf(entries)) {
            if (e.connection.nextTimeout() <= now) {
                e.connection.onTimeout(now);
                notify(e, now);
            }
            if (e.connection.isClosed()) {
                entries.remove(e);
            }
        }
    }

    /** Lets the application act on a connection outside of network activity (e.g. after it queued work). */
    public void poke(long now) {
        for (Entry e : entries) {
            notify(e, now);
        }
    }

    public int connectionCount() {
        return entries.size();
    }
}
