package org.qdsr.app.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import org.qdsr.http3.session.Http3ServerSession;
import org.qdsr.http3.session.RequestHandler;
import org.qdsr.io.UdpEventLoop;
import org.qdsr.io.UdpOptions;
import org.qdsr.io.UdpRegistration;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.endpoint.QuicServerEndpoint;
import org.qdsr.quic.tls.ServerTlsContext;

/**
 * An HTTP/3 server on the real network: one {@link UdpEventLoop}, one socket, a
 * {@link QuicServerEndpoint} whose connections each get an {@link Http3ServerSession} over the
 * given {@link RequestHandler}. Owns the TLS context and closes it (its timer thread would keep
 * the JVM alive otherwise).
 */
public final class Http3Server implements AutoCloseable {
    private final UdpEventLoop loop;
    private final QuicServerEndpoint endpoint;
    private final UdpRegistration registration;
    private final ServerTlsContext tls;
    private final long loopThreadId;

    private Http3Server(UdpEventLoop loop, QuicServerEndpoint endpoint, UdpRegistration registration,
                        ServerTlsContext tls, long loopThreadId) {
        this.loop = loop;
        this.endpoint = endpoint;
        this.registration = registration;
        this.tls = tls;
        this.loopThreadId = loopThreadId;
    }

    /** Binds {@code listen} (port 0 picks one) and starts serving; the TLS context is taken over. */
    public static Http3Server start(InetSocketAddress listen, RequestHandler handler, ServerTlsContext tls,
                                    boolean retry) throws IOException {
        UdpEventLoop loop = UdpEventLoop.start("qdsr-server");
        try {
            QuicServerEndpoint.Settings settings = QuicServerEndpoint.Settings.of(tls)
                    .withConfig(ConnectionConfig.defaults()).withRetry(retry);
            QuicServerEndpoint endpoint = new QuicServerEndpoint(settings,
                    connection -> new Http3ServerSession(handler), new SecureRandom());
            UdpRegistration reg = loop.register(listen, endpoint, UdpOptions.defaults());
            long tid = loop.call(() -> Thread.currentThread().getId());
            return new Http3Server(loop, endpoint, reg, tls, tid);
        } catch (IOException | RuntimeException e) {
            loop.close();
            tls.close();
            throw e;
        }
    }

    public InetSocketAddress localAddress() {
        return registration.localAddress();
    }

    public UdpEventLoop loop() {
        return loop;
    }

    public ServerTlsContext tls() {
        return tls;
    }

    /** The id of the loop thread (for {@code ThreadMXBean} CPU time). */
    public long loopThreadId() {
        return loopThreadId;
    }

    /** Connections accepted so far (read on the loop thread). */
    public CompletableFuture<Long> connectionsAccepted() {
        return loop.submit(endpoint::connectionsAccepted);
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
