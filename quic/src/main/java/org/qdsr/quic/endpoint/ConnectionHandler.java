package org.qdsr.quic.endpoint;

import org.qdsr.quic.connection.QuicConnection;

/**
 * The application side of one connection. The endpoint calls {@link #onActivity} on its own
 * thread after the connection received datagrams or its timers fired; the handler polls the
 * connection's events and reads and writes streams. It must not block.
 */
@FunctionalInterface
public interface ConnectionHandler {
    void onActivity(QuicConnection connection, long now);
}
