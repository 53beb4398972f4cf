package org.qdsr.quic.connection;

import org.qdsr.quic.wire.ConnectionId;

/** Lets the endpoint route packets: told when a connection issues or retires one of its IDs. */
public interface ConnectionIdListener {
    void onIssued(ConnectionId id);

    void onRetired(ConnectionId id);

    ConnectionIdListener NONE = new ConnectionIdListener() {
        @Override
        public void onIssued(ConnectionId id) {
        }

        @Override
        public void onRetired(ConnectionId id) {
        }
    };
}
