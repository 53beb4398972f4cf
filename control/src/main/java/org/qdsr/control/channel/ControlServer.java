package org.qdsr.control.channel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.qdsr.control.message.ControlError;
import org.qdsr.control.message.Role;
import org.qdsr.io.UdpEventLoop;

/**
 * The RS end ({@code --control HOST:PORT}): accepts LB connections, runs the TLS handshake with
 * client authentication and answers the LB's Hello. One acceptor thread, a heartbeat timer, and
 * per connection one I/O thread (senders write on their own thread, see {@link ControlChannel#send}),
 * or, given an event loop, an I/O thread only for the handshake.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ControlServer.class.getName());
    /** How long {@link #close()} waits for the accepting thread to let go of the listening socket. */
    static final Duration ACCEPTOR_EXIT_WAIT = Duration.ofSeconds(2);

    /** Called for each accepted TCP connection, before its TLS handshake; returns its listener. */
    @FunctionalInterface
    public interface Acceptor {
        ControlListener accept(ControlChannel channel);
    }

    private final ServerSocketChannel serverSocket;
    private final ControlTls tls;
    private final String nodeName;
    private final ControlOptions options;
    private final Acceptor acceptor;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;
    private final UdpEventLoop loop;
    private final Thread acceptThread;
    private volatile boolean closed;

    private ControlServer(ServerSocketChannel serverSocket, ControlTls tls, String nodeName, ControlOptions options,
                          Acceptor acceptor, UdpEventLoop loop) {
        this.serverSocket = serverSocket;
        this.loop = loop;
        this.tls = tls;
        this.nodeName = nodeName;
        this.options = options;
        this.acceptor = acceptor;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "qdsr-control-server-timer"));
        this.acceptThread = daemon(this::acceptLoop, "qdsr-control-accept-" + localAddress().getPort());
    }

    /**
     * Binds {@code address} (SO_REUSEADDR, so a restart can take the same port) and starts
     * accepting. IllegalArgumentException for an insecure TLS setting on a non-loopback address.
     */
    public static ControlServer start(InetSocketAddress address, ControlTls tls, String nodeName,
                                      ControlOptions options, Acceptor acceptor) throws IOException {
        return start(address, tls, nodeName, options, acceptor, null);
    }

    /**
     * As {@link #start(InetSocketAddress, ControlTls, String, ControlOptions, Acceptor)}, but each
     * channel runs on {@code loop} once open (see {@link ControlClient#connect(InetSocketAddress,
     * ControlTls, String, ControlOptions, ControlListener, UdpEventLoop)}): listener calls on the
     * loop thread, its sends batched until the loop flushes the channel after each turn.
     */
    public static ControlServer start(InetSocketAddress address, ControlTls tls, String nodeName,
                                      ControlOptions options, Acceptor acceptor, UdpEventLoop loop)
            throws IOException {
        tls.checkAddress(address);
        ServerSocketChannel ss = ServerSocketChannel.open();
        ss.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        try {
            ss.bind(address, 64);
        } catch (IOException e) {
            ss.close();
            throw e;
        }
        ControlServer server = new ControlServer(ss, tls, nodeName, options, acceptor, loop);
        long tick = options.heartbeatInterval().toNanos();
        server.timer.scheduleAtFixedRate(server::tick, tick, tick, TimeUnit.NANOSECONDS);
        server.acceptThread.start();
        return server;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverSocket.socket().getLocalSocketAddress();
    }

    /** Channels currently connected (open or still in their handshake). */
    public int connectionCount() {
        return connections.size();
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel s = null;
            try {
                s = serverSocket.accept();
                s.setOption(StandardSocketOptions.TCP_NODELAY, true);
                s.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                Connection c = new Connection(s, Role.REAL_SERVER, nodeName, tls, options, new Owner(), null);
                ControlListener l = acceptor.accept(c);
                if (l == null) {
                    s.close();
                    continue;
                }
                c.setListener(l);
                if (loop != null) {
                    c.driveOn(loop);
                }
                connections.add(c);
                c.start();
            } catch (IOException | RuntimeException e) {
                closeQuietly(s);
                if (!closed) {
                    LOG.log(Level.WARNING, "control accept failed", e);
                }
            }
        }
    }

    private void tick() {
        long now = System.nanoTime();
        for (Connection c : connections) {
            c.tick(now);
        }
    }

    /**
     * Stops accepting; open channels get Error(SHUTTING_DOWN) and close. Returns once the
     * listening port is free for a new server: a thread blocked in accept holds the socket until
     * it wakes, so close waits for the acceptor to leave (at most {@link #ACCEPTOR_EXIT_WAIT}).
     */
    @Override
    public void close() {
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        awaitAcceptorExit();
        for (Connection c : connections) {
            c.closeWithError(ControlError.SHUTTING_DOWN, "server shutting down", null);
        }
        timer.shutdownNow();
    }

    private void awaitAcceptorExit() {
        if (Thread.currentThread() == acceptThread || !acceptThread.isAlive()) {
            return;
        }
        try {
            acceptThread.join(ACCEPTOR_EXIT_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (acceptThread.isAlive()) {
            LOG.warning("control acceptor on port " + serverSocket.socket().getLocalPort()
                    + " did not stop within " + ACCEPTOR_EXIT_WAIT.toMillis() + " ms; the port may stay taken");
        }
    }

    private final class Owner implements Connection.Owner {
        @Override
        public void opened(Connection c) {
        }

        @Override
        public void closed(Connection c, Throwable cause) {
            connections.remove(c);
        }
    }

    private static void closeQuietly(SocketChannel s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
