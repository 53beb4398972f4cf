package org.qdsr.control.channel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.qdsr.control.message.ControlMessage;
import org.qdsr.control.message.Role;
import org.qdsr.io.UdpEventLoop;

/**
 * The LB end: keeps one channel to one RS, sends heartbeats, and reconnects after any close with
 * exponential backoff ({@code minBackoff} doubling up to {@code maxBackoff}, each delay drawn
 * from 50-100% of the nominal value; reset once a channel opens). This object is a stable handle:
 * {@link #send} goes to the current connection and returns false while there is none. The
 * listener sees each connection as its own {@link ControlChannel} (onOpen, onMessage..., onClose).
 * Messages are never replayed across reconnects: state handed to a lost RS is the LB's to redo.
 */
public final class ControlClient implements ControlChannel {
    private static final Logger LOG = Logger.getLogger(ControlClient.class.getName());

    private final InetSocketAddress address;
    private final ControlTls tls;
    private final String nodeName;
    private final ControlOptions options;
    private final ScheduledExecutorService timer;
    private final UdpEventLoop loop;
    private final Random jitter = new Random();
    private volatile ControlListener listener;
    private volatile Connection current;
    private volatile Thread batchingThread;
    private volatile boolean closed;
    private int failures;
    /** The reason of the last failed connect since the last open, for {@link #logConnectFailure}. */
    private String lastConnectFailure;

    private ControlClient(InetSocketAddress address, ControlTls tls, String nodeName, ControlOptions options,
                          ControlListener listener, UdpEventLoop loop) {
        this.address = address;
        this.loop = loop;
        this.tls = tls;
        this.nodeName = ControlTls.checkNodeName(nodeName);
        this.options = options;
        this.listener = listener;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                r -> ControlServer.daemon(r, "qdsr-control-client-" + address.getPort()));
    }

    /**
     * Starts connecting to the RS at {@code address} in the background; onOpen tells when the
     * channel is usable. IllegalArgumentException for insecure TLS on a non-loopback address.
     */
    public static ControlClient connect(InetSocketAddress address, ControlTls tls, String nodeName,
                                        ControlOptions options, ControlListener listener) {
        return connect(address, tls, nodeName, options, listener, null);
    }

    /**
     * As {@link #connect(InetSocketAddress, ControlTls, String, ControlOptions, ControlListener)},
     * but every open connection runs on {@code loop} (null: on a reader thread of its own): the
     * listener is called on the loop thread, sends from it are batched (the loop must
     * {@link #flush()} at the end of each turn), and no reader thread stays behind after the
     * handshake. A loop on the epoll path cannot drive TCP sockets: there the loop only batches.
     */
    public static ControlClient connect(InetSocketAddress address, ControlTls tls, String nodeName,
                                        ControlOptions options, ControlListener listener, UdpEventLoop loop) {
        tls.checkAddress(address);
        ControlClient c = new ControlClient(address, tls, nodeName, options, listener, loop);
        long tick = options.heartbeatInterval().toNanos();
        c.timer.scheduleAtFixedRate(c::tick, tick, tick, TimeUnit.NANOSECONDS);
        c.timer.execute(c::attempt);
        return c;
    }

    public InetSocketAddress address() {
        return address;
    }

    private void attempt() {
        if (closed || loopGone()) {
            return;
        }
        SocketChannel s = null;
        try {
            s = SocketChannel.open();
            s.socket().setTcpNoDelay(true);
            s.socket().setKeepAlive(true);
            s.socket().connect(address, (int) options.handshakeTimeout().toMillis());
            Connection c = new Connection(s, Role.LOAD_BALANCER, nodeName, tls, options, new Owner(), listener);
            c.batchOn(batchingThread);
            if (loop != null) {
                c.driveOn(loop);
            }
            current = c;
            c.start();
        } catch (IOException | RuntimeException e) {
            closeQuietly(s);
            logConnectFailure(e);
            scheduleReconnect();
        }
    }

    /**
     * A backend that cannot be reached (not started, wrong address or port) is logged at INFO once
     * per distinct reason until a connection opens, the repeats at FINE: the operator learns of it
     * without a line per retry.
     */
    private synchronized void logConnectFailure(Exception e) {
        String reason = e.toString();
        boolean repeat = reason.equals(lastConnectFailure);
        lastConnectFailure = reason;
        LOG.log(repeat ? Level.FINE : Level.INFO, "control connect to {0} failed: {1}" + (repeat ? ""
                : " (retrying every " + options.maxBackoff().toMillis() + " ms at most; logged again if the reason"
                + " changes)"), new Object[] {address, reason});
    }

    /** The loop this client's connections run on was closed: no connection could be driven again. */
    private boolean loopGone() {
        return loop != null && loop.isClosed();
    }

    /** Delay before attempt number {@code failures}: min * 2^failures capped at max, times 0.5..1. */
    long backoffNanos(int failureCount) {
        long min = Math.max(1, options.minBackoff().toNanos());
        long max = options.maxBackoff().toNanos();
        long nominal = failureCount >= 40 ? max : Math.min(max, min << Math.min(failureCount, 40));
        return nominal / 2 + (long) (jitter.nextDouble() * (nominal / 2.0));
    }

    private synchronized void scheduleReconnect() {
        if (closed || loopGone()) {
            return;
        }
        long delay = backoffNanos(failures++);
        try {
            timer.schedule(this::attempt, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closed concurrently
        }
    }

    private void tick() {
        Connection c = current;
        if (c != null) {
            c.tick(System.nanoTime());
        }
    }

    @Override
    public boolean send(ControlMessage message) {
        Connection c = current;
        return c != null && c.send(message);
    }

    @Override
    public boolean trySend(ControlMessage message) {
        Connection c = current;
        return c != null && c.trySend(message);
    }

    @Override
    public void flush() {
        Connection c = current;
        if (c != null) {
            c.flush();
        }
    }

    /** Applies to the current connection and to every later one. */
    @Override
    public void batchOn(Thread thread) {
        batchingThread = thread;
        Connection c = current;
        if (c != null) {
            c.batchOn(thread);
        }
    }

    @Override
    public void setListener(ControlListener listener) {
        this.listener = listener;
        Connection c = current;
        if (c != null) {
            c.setListener(listener);
        }
    }

    @Override
    public boolean isOpen() {
        Connection c = current;
        return c != null && c.isOpen() && !loopGone();
    }

    @Override
    public String peerName() {
        Connection c = current;
        return c == null ? null : c.peerName();
    }

    @Override
    public String peerIdentity() {
        Connection c = current;
        return c == null ? null : c.peerIdentity();
    }

    @Override
    public WriteStats writeStats() {
        Connection c = current;
        return c == null ? WriteStats.NONE : c.writeStats();
    }

    @Override
    public long lastRttNanos() {
        Connection c = current;
        return c == null ? -1 : c.lastRttNanos();
    }

    /** Stops reconnecting and closes the current connection (buffered messages are written first). */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        Connection c = current;
        if (c != null) {
            c.close();
        }
    }

    private static void closeQuietly(SocketChannel s) {
        if (s == null) {
            return;
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    private final class Owner implements Connection.Owner {
        @Override
        public void opened(Connection c) {
            synchronized (ControlClient.this) {
                failures = 0;
                lastConnectFailure = null;
            }
        }

        @Override
        public void closed(Connection c, Throwable cause) {
            if (cause != null) {
                LOG.log(Level.INFO, "control channel to {0} closed: {1}", new Object[] {address, cause.getMessage()});
            }
            scheduleReconnect();
        }
    }

    @Override
    public String toString() {
        return "ControlClient[" + address + ", " + (isOpen() ? "open" : "connecting") + "]";
    }
}
