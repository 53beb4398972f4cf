package org.qdsr.app.robust;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import org.qdsr.io.UdpCounters;
import org.qdsr.io.UdpEventLoop;
import org.qdsr.io.UdpOptions;
import org.qdsr.io.UdpRegistration;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.endpoint.QuicServerEndpoint;
import org.qdsr.quic.tls.ServerTlsContext;

/** Our server endpoint with {@link EchoServerApp} on a real UDP event loop bound to 127.0.0.1:0. */
final class UdpEchoServer implements AutoCloseable {
    final ServerTlsContext tls;
    final QuicServerEndpoint endpoint;
    final UdpEventLoop loop;
    final UdpRegistration registration;

    UdpEchoServer(ConnectionConfig config) throws IOException {
        tls = ServerTlsContext.selfSigned(List.of(Fixtures.ALPN), List.of("localhost"));
        UdpEventLoop l = null;
        try {
            endpoint = new QuicServerEndpoint(QuicServerEndpoint.Settings.of(tls).withConfig(config),
                    c -> new EchoServerApp(), new SecureRandom());
            l = UdpEventLoop.start("robust-server");
            registration = l.register(new InetSocketAddress("127.0.0.1", 0), endpoint, UdpOptions.defaults());
            loop = l;
        } catch (IOException | RuntimeException e) {
            if (l != null) {
                l.close();
            }
            tls.close();
            throw e;
        }
    }

    InetSocketAddress address() {
        return registration.localAddress();
    }

    UdpCounters counters() {
        return loop.counters();
    }

    /** Runs on the loop thread: the endpoint is not thread-safe. */
    int connectionCount() throws IOException {
        return loop.call(endpoint::connectionCount);
    }

    long statelessResetsSent() throws IOException {
        return loop.call(endpoint::statelessResetsSent);
    }

    @Override
    public void close() {
        try {
            loop.close();
        } finally {
            tls.close();
        }
    }
}
