package org.qdsr.http3.session;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.connection.ClientOptions;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.endpoint.ConnectionHandler;
import org.qdsr.quic.endpoint.QuicClientEndpoint;
import org.qdsr.quic.endpoint.QuicServerEndpoint;
import org.qdsr.quic.sim.LinkConditions;
import org.qdsr.quic.sim.SimNetwork;
import org.qdsr.quic.tls.ClientTlsConfig;
import org.qdsr.quic.tls.ServerTlsContext;

/**
 * An HTTP/3 server endpoint and a client endpoint on the in-memory network (virtual clock), with
 * the real QUIC stack underneath. Deterministic for a seed.
 */
final class H3Sim {
    static final long SECOND = 1_000_000_000L;
    static final InetSocketAddress SERVER = new InetSocketAddress("198.18.0.1", 443);
    static final InetSocketAddress CLIENT = new InetSocketAddress("198.18.0.2", 50000);
    static final ServerTlsContext TLS = ServerTlsContext.selfSigned(List.of("h3"), List.of("localhost"));

    final SimNetwork net;
    final QuicServerEndpoint server;
    final QuicClientEndpoint client = new QuicClientEndpoint();
    final List<Http3ServerSession> sessions = new ArrayList<>();
    final List<QuicConnection> serverConnections = new ArrayList<>();
    private final SplittableRandom random;

    H3Sim(long seed, RequestHandler handler, ConnectionConfig serverConfig, LinkConditions conditions) {
        this(seed, serverConfig, conditions, null, handler);
    }

    /** A server whose connections are driven by {@code rawServer} instead of an Http3ServerSession. */
    H3Sim(long seed, Function<QuicConnection, ConnectionHandler> rawServer) {
        this(seed, ConnectionConfig.defaults(), LinkConditions.delay(10_000_000), rawServer, null);
    }

    private H3Sim(long seed, ConnectionConfig serverConfig, LinkConditions conditions,
                  Function<QuicConnection, ConnectionHandler> rawServer, RequestHandler handler) {
        random = new SplittableRandom(seed);
        net = SimNetwork.seeded(seed);
        net.setDefaultConditions(conditions);
        server = new QuicServerEndpoint(QuicServerEndpoint.Settings.of(TLS).withConfig(serverConfig), c -> {
            serverConnections.add(c);
            if (rawServer != null) {
                return rawServer.apply(c);
            }
            Http3ServerSession s = new Http3ServerSession(handler);
            sessions.add(s);
            return s;
        }, random.split());
        net.attach(SERVER, server);
        net.attach(CLIENT, client);
    }

    H3Sim(long seed, RequestHandler handler) {
        this(seed, handler, ConnectionConfig.defaults(), LinkConditions.delay(10_000_000));
    }

    /** Connects a client connection driven by {@code handler} (an Http3ClientSession or a raw test client). */
    QuicConnection connect(ConnectionHandler handler) throws QuicException {
        return connect(handler, null);
    }

    /** As {@link #connect(ConnectionHandler)}, resuming {@code resumption} (0-RTT) when not null. */
    QuicConnection connect(ConnectionHandler handler, org.qdsr.quic.connection.ResumptionState resumption)
            throws QuicException {
        ClientOptions o = ClientOptions.of(ClientTlsConfig.of("localhost", List.of("h3")).withInsecure(true), SERVER)
                .withRandom(random.split()).withResumption(resumption);
        QuicConnection c = QuicConnection.connect(o, net.now());
        client.add(c, handler);
        return c;
    }

    void runUntil(BooleanSupplier done, long seconds) {
        net.runUntil(done, seconds * SECOND);
    }

    Http3ServerSession serverSession() {
        return sessions.get(0);
    }
}
