package org.qdsr.app.robust;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.connection.ClientOptions;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.endpoint.ConnectionHandler;
import org.qdsr.quic.endpoint.QuicClientEndpoint;
import org.qdsr.quic.endpoint.QuicServerEndpoint;
import org.qdsr.quic.sim.SimNetwork;
import org.qdsr.quic.sim.SimNode;
import org.qdsr.quic.tls.ClientTlsConfig;
import org.qdsr.quic.tls.ServerTlsContext;

/**
 * Our client and server endpoints on the in-memory network (virtual clock, no sockets). The
 * server runs {@link EchoServerApp}; every server-side app is kept in {@link #serverApps}.
 */
final class SimHarness {
    static final InetSocketAddress SERVER = new InetSocketAddress("198.18.0.1", 443);
    static final InetSocketAddress CLIENT = new InetSocketAddress("198.18.0.2", 50000);

    final SimNetwork net;
    final SplittableRandom random;
    private final QuicServerEndpoint.Settings settings;
    private final long serverSeed;
    QuicServerEndpoint server;
    SimNode serverNode;
    final QuicClientEndpoint client = new QuicClientEndpoint();
    final SimNode clientNode;
    final List<EchoServerApp> serverApps = new ArrayList<>();

    SimHarness(long seed, QuicServerEndpoint.Settings settings) {
        random = new SplittableRandom(seed);
        net = SimNetwork.seeded(seed);
        this.settings = settings;
        this.serverSeed = seed * 31 + 7;
        server = new QuicServerEndpoint(settings, c -> newServerApp(), new SplittableRandom(serverSeed));
        serverNode = net.attach(SERVER, server);
        clientNode = net.attach(CLIENT, client);
    }

    /**
     * Replaces the server endpoint by a fresh one with the same settings and a different random
     * source: it knows no connection, as after a restart. Its stateless-reset key is the old one
     * only if the settings carry an endpoint secret.
     */
    void restartServer() {
        net.detach(serverNode);
        server = new QuicServerEndpoint(settings, c -> newServerApp(), new SplittableRandom(serverSeed + 1));
        serverNode = net.attach(SERVER, server);
    }

    private EchoServerApp newServerApp() {
        EchoServerApp app = new EchoServerApp();
        serverApps.add(app);
        return app;
    }

    static ClientTlsConfig clientTls() {
        return ClientTlsConfig.of("localhost", List.of(Fixtures.ALPN)).withInsecure(true);
    }

    ClientOptions clientOptions(ConnectionConfig config) {
        return ClientOptions.of(clientTls(), SERVER).withConfig(config).withRandom(random.split());
    }

    QuicConnection connect(ConnectionConfig config, ConnectionHandler handler) throws QuicException {
        QuicConnection c = QuicConnection.connect(clientOptions(config), net.now());
        client.add(c, handler);
        return c;
    }

    /** The server-side connection of the first accepted connection (after its first activity). */
    QuicConnection serverConnection() {
        return serverApps.isEmpty() ? null : serverApps.get(0).connection;
    }

    static QuicServerEndpoint.Settings settings(ServerTlsContext tls, ConnectionConfig config) {
        return QuicServerEndpoint.Settings.of(tls).withConfig(config);
    }
}
