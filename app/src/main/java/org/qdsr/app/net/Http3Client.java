package org.qdsr.app.net;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.qdsr.http3.qpack.Field;
import org.qdsr.http3.session.BodySink;
import org.qdsr.http3.session.Http3ClientSession;
import org.qdsr.http3.session.Http3Result;
import org.qdsr.io.UdpEventLoop;
import org.qdsr.io.UdpOptions;
import org.qdsr.quic.connection.ClientOptions;
import org.qdsr.quic.connection.CloseReason;
import org.qdsr.quic.connection.ConnectionConfig;
import org.qdsr.quic.connection.QuicConnection;
import org.qdsr.quic.connection.ResumptionState;
import org.qdsr.quic.endpoint.QuicClientEndpoint;
import org.qdsr.quic.tls.ClientTlsConfig;

/**
 * An HTTP/3 client on the real network: one {@link UdpEventLoop} thread, one UDP socket and one
 * QUIC connection per {@link Connection}. Requests may be issued from any thread; they run on
 * the loop. A watchdog fails the requests of a connection that closed under them (handshake
 * failure, idle timeout, peer close) so callers never wait forever.
 */
public final class Http3Client implements AutoCloseable {
    private static final long WATCHDOG_MILLIS = 50;

    private final UdpEventLoop loop;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService watchdog;

    private Http3Client(UdpEventLoop loop) {
        this.loop = loop;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "qdsr-client-watchdog");
            t.setDaemon(true);
            return t;
        });
        watchdog.scheduleWithFixedDelay(this::checkConnections, WATCHDOG_MILLIS, WATCHDOG_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    public static Http3Client start(String name) throws IOException {
        return new Http3Client(UdpEventLoop.start(name));
    }

    public UdpEventLoop loop() {
        return loop;
    }

    /** Opens a socket and starts the handshake with {@code server}; returns at once. */
    public Connection connect(InetSocketAddress server, ClientTlsConfig tls, ConnectionConfig config)
            throws IOException {
        return connect(server, tls, config, null, t -> { }, c -> { });
    }

    /**
     * As {@link #connect(InetSocketAddress, ClientTlsConfig, ConnectionConfig)}, resuming
     * {@code resumption} (null: a full handshake), so that requests made before the handshake
     * completes leave in 0-RTT; the server's session tickets go to {@code onTicket} (on the loop's
     * thread), each good for resuming a later connection. {@code first} runs on the loop's thread
     * before the first datagram leaves: requests it makes share the first flight (0-RTT).
     */
    public Connection connect(InetSocketAddress server, ClientTlsConfig tls, ConnectionConfig config,
                              ResumptionState resumption, java.util.function.Consumer<ResumptionState> onTicket,
                              java.util.function.Consumer<Connection> first) throws IOException {
        QuicClientEndpoint endpoint = new QuicClientEndpoint();
        InetSocketAddress bind = new InetSocketAddress(
                server.getAddress() instanceof Inet6Address ? "::" : "0.0.0.0", 0);
        loop.register(bind, endpoint, UdpOptions.defaults());
        Connection c = loop.call(() -> {
            QuicConnection qc = QuicConnection.connect(ClientOptions.of(tls, server).withConfig(config)
                    .withResumption(resumption), System.nanoTime());
            Http3ClientSession session = new Http3ClientSession();
            session.setTicketListener(onTicket);
            endpoint.add(qc, session);
            Connection created = new Connection(endpoint, qc, session);
            first.accept(created);
            return created;
        });
        connections.add(c);
        loop.wakeup();
        return c;
    }

    private void checkConnections() {
        for (Connection c : connections) {
            try {
                loop.execute(c::failPendingIfClosed);
            } catch (RuntimeException e) {
                return; // loop closed
            }
        }
    }

    /** Closes every connection gracefully (up to {@code graceMillis}), then the loop. */
    public void close(long graceMillis) {
        watchdog.shutdownNow();
        try {
            for (Connection c : connections) {
                loop.execute(c::closeNow);
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
            while (System.nanoTime() < deadline && !allClosing()) {
                Thread.sleep(5);
            }
            loop.call(() -> null); // one more turn: the CONNECTION_CLOSE leaves
            loop.call(() -> null);
        } catch (IOException | RuntimeException e) {
            // the loop is already gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            loop.close();
        }
    }

    private boolean allClosing() throws IOException {
        return loop.call(() -> connections.stream().allMatch(Connection::closing));
    }

    @Override
    public void close() {
        close(500);
    }

    /** Why a connection closed, in a user's words (see {@link Http3ClientSession#describeClose}). */
    static String closedMessage(CloseReason reason, boolean serverAnswered, InetSocketAddress peer) {
        return reason == null ? "connection closed" : Http3ClientSession.describeClose(reason, serverAnswered, peer);
    }

    /** One QUIC connection carrying HTTP/3 requests. */
    public final class Connection {
        private final QuicClientEndpoint endpoint;
        private final QuicConnection quic;
        private final Http3ClientSession session;
        private final List<CompletableFuture<Http3Result>> pending = new ArrayList<>();

        private Connection(QuicClientEndpoint endpoint, QuicConnection quic, Http3ClientSession session) {
            this.endpoint = endpoint;
            this.quic = quic;
            this.session = session;
        }

        /**
         * Sends one request (from any thread); the future completes on the loop thread when the
         * response ended, or exceptionally on a reset, a connection failure or a close.
         */
        public CompletableFuture<Http3Result> request(String method, String authority, String path,
                                                      List<Field> headers, byte[] body, BodySink sink) {
            CompletableFuture<Http3Result> result = new CompletableFuture<>();
            Runnable issue = () -> {
                if (quic.isClosed()) {
                    result.completeExceptionally(new IOException(closedMessage()));
                    return;
                }
                pending.add(result);
                endpoint.poke(System.nanoTime()); // the session times requests from its last activity
                session.request(method, "https", authority, path, headers, body, sink)
                        .whenComplete((r, t) -> {
                            pending.remove(result);
                            if (t != null) {
                                result.completeExceptionally(t);
                            } else {
                                result.complete(r);
                            }
                        });
                endpoint.poke(System.nanoTime());
            };
            if (loop.inLoop()) {
                issue.run(); // e.g. from connect's {@code first}: before the first datagram leaves
            } else {
                loop.execute(issue);
            }
            return result;
        }

        /** Closes the connection once no request is open (from any thread). */
        public void closeWhenIdle() {
            loop.execute(session::closeWhenIdle);
        }

        private void closeNow() {
            if (!quic.isClosed()) {
                session.closeWhenIdle();
                if (quic.state() == QuicConnection.State.HANDSHAKE || !pending.isEmpty()) {
                    quic.close(0x100, "", System.nanoTime()); // H3_NO_ERROR
                }
                endpoint.poke(System.nanoTime());
            }
        }

        private boolean closing() {
            QuicConnection.State s = quic.state();
            return s != QuicConnection.State.HANDSHAKE && s != QuicConnection.State.ESTABLISHED;
        }

        private void failPendingIfClosed() {
            if (pending.isEmpty() || !closing()) {
                return;
            }
            IOException e = new IOException(closedMessage());
            for (CompletableFuture<Http3Result> f : List.copyOf(pending)) {
                f.completeExceptionally(e);
            }
            pending.clear();
        }

        private String closedMessage() {
            return Http3Client.closedMessage(quic.closeReason(), quic.alpn() != null, quic.peerAddress());
        }

        /** The QUIC connection (touch only on the loop thread). */
        public QuicConnection quic() {
            return quic;
        }

        /** After the handshake: whether the server took this connection's 0-RTT data; null before. */
        public Boolean earlyDataAccepted() throws IOException {
            return loop.call(session::earlyDataAccepted);
        }

        /** Requests started in 0-RTT, before the handshake completed. */
        public int earlyRequests() throws IOException {
            return loop.call(session::earlyRequests);
        }
    }
}
