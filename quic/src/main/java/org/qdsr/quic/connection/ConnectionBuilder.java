package org.qdsr.quic.connection;

import java.net.InetSocketAddress;
import java.util.random.RandomGenerator;
import org.qdsr.quic.crypto.StatelessResetTokens;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.quic.wire.ConnectionIdGenerator;

/** Collects the construction inputs shared by both roles. */
final class ConnectionBuilder {
    boolean isClient;
    ConnectionConfig config;
    RandomGenerator random;
    InetSocketAddress peer;
    StatelessResetTokens resetTokens;
    ConnectionIdListener cidListener = ConnectionIdListener.NONE;
    /** How this endpoint makes the connection IDs it issues after the handshake's. */
    ConnectionIdGenerator connectionIds;
    ConnectionId localId;
    ConnectionId originalDestinationId;
    ConnectionId initialDestinationId;
    ClientOptions client;
    ServerOptions server;

    static ConnectionBuilder client(ClientOptions o) {
        ConnectionBuilder b = new ConnectionBuilder();
        b.fillClient(o);
        return b;
    }

    static ConnectionBuilder server(ServerOptions o) {
        ConnectionBuilder b = new ConnectionBuilder();
        b.fillServer(o);
        return b;
    }

    private void fillClient(ClientOptions o) {
        isClient = true;
        client = o;
        config = o.config().resolvedFor(true);
        random = o.random();
        peer = o.server();
        localId = ConnectionId.random(random, config.connectionIdLength());
        originalDestinationId = ConnectionId.random(random, Math.max(8, config.connectionIdLength()));
        initialDestinationId = originalDestinationId;
        connectionIds = ConnectionIdGenerator.random(config.connectionIdLength());
        byte[] key = new byte[32];
        random.nextBytes(key);
        resetTokens = new StatelessResetTokens(key);
    }

    private void fillServer(ServerOptions o) {
        isClient = false;
        server = o;
        config = o.config().resolvedFor(false);
        random = o.random();
        peer = o.client();
        resetTokens = o.resetTokens();
        cidListener = o.cidListener() == null ? ConnectionIdListener.NONE : o.cidListener();
        localId = o.localId();
        originalDestinationId = o.originalDestinationId();
        initialDestinationId = o.initialDestinationId();
        connectionIds = o.connectionIds() != null ? o.connectionIds()
                : ConnectionIdGenerator.random(config.connectionIdLength());
    }
}
