package org.qdsr.quic.connection;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.endpoint.ConnectionHandler;
import org.qdsr.quic.endpoint.QuicClientEndpoint;
import org.qdsr.quic.endpoint.QuicServerEndpoint;
import org.qdsr.quic.sim.SimNetwork;
import org.qdsr.quic.tls.ClientTlsConfig;
import org.qdsr.quic.tls.ServerTlsContext;

/**
 * A client and a server endpoint on the in-memory network (virtual clock), in the spirit of
 * quinn-proto's test {@code Pair}: whole connections run deterministically from a seed.
 */
final class SimPair implements AutoCloseable {
    static final InetSocketAddress SERVER = new InetSocketAddress("198.18.0.1", 443);
    static final InetSocketAddress CLIENT = new InetSocketAddress("198.18.0.2", 50000);
    static final ServerTlsContext TLS = ServerTlsContext.selfSigned(List.of("test"), List.of("localhost"));

    final SimNetwork net;
    final QuicServerEndpoint server;
    final QuicClientEndpoint client = new QuicClientEndpoint();
    final SplittableRandom random;

    SimPair(long seed, ConnectionConfig serverConfig, Function<QuicConnection, ConnectionHandler> handlers) {
        this(seed, QuicServerEndpoint.Settings.of(TLS).withConfig(serverConfig), handlers);
    }

    SimPair(long seed, QuicServerEndpoint.Settings settings, Function<QuicConnection, ConnectionHandler> handlers) {
        random = new SplittableRandom(seed);
        net = SimNetwork.seeded(seed);
        server = new QuicServerEndpoint(settings, handlers, random.split());
        net.attach(SERVER, server);
        net.attach(CLIENT, client);
    }

    ClientOptions clientOptions(ConnectionConfig config) {
        return ClientOptions.of(ClientTlsConfig.of("localhost", List.of("test")).withInsecure(true), SERVER)
                .withConfig(config).withRandom(random.split());
    }

    QuicConnection connect(ClientOptions options, ConnectionHandler handler) throws QuicException {
        QuicConnection c = QuicConnection.connect(options, net.now());
        client.add(c, handler);
        return c;
    }

    @Override
    public void close() {
    }

    /** Server application: echoes every stream's bytes back on the same stream, then FIN. */
    static ConnectionHandler echo() {
        byte[] buf = new byte[65536];
        Map<Long, ByteArrayOutputStream> pending = new HashMap<>();
        return (c, now) -> {
            ConnectionEvent e;
            while ((e = c.pollEvent()) != null) {
                long id;
                if (e instanceof ConnectionEvent.StreamReadable r) {
                    id = r.streamId();
                } else if (e instanceof ConnectionEvent.StreamWritable w) {
                    id = w.streamId();
                } else {
                    continue;
                }
                ByteArrayOutputStream out = pending.computeIfAbsent(id, k -> new ByteArrayOutputStream());
                int n;
                while ((n = c.read(id, buf, 0, buf.length)) > 0) {
                    out.write(buf, 0, n);
                }
                byte[] data = out.toByteArray();
                int written = data.length == 0 ? 0 : c.write(id, data, 0, data.length);
                out.reset();
                out.write(data, written, data.length - written);
                if (n < 0 && out.size() == 0) {
                    c.finish(id);
                    pending.remove(id);
                }
            }
        };
    }
}
