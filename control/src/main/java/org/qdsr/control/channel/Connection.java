package org.qdsr.control.channel;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;
import org.qdsr.control.message.ControlCodec;
import org.qdsr.control.message.ControlDecoder;
import org.qdsr.control.message.ControlError;
import org.qdsr.control.message.ControlMessage;
import org.qdsr.control.message.ControlProtocolException;
import org.qdsr.control.message.Heartbeat;
import org.qdsr.control.message.HeartbeatAck;
import org.qdsr.control.message.Hello;
import org.qdsr.control.message.HelloAck;
import org.qdsr.control.message.Role;
import org.qdsr.io.ChannelHandler;
import org.qdsr.io.UdpEventLoop;

/**
 * One TCP (+TLS) connection over a non-blocking {@link SocketChannel}. Senders write on their own
 * thread through {@link Outbound} (no hand-off); one I/O thread ({@code qdsr-control-read-PEER})
 * runs the handshake, reads, decodes and calls the listener, and writes the backlog when the
 * socket would have blocked. With an event loop ({@link #driveOn}) that thread only runs
 * the handshake and the Hello exchange, then hands the socket to the loop, which does the rest on
 * its own thread. Closing: {@link #close()} writes what is buffered then closes; {@link #abort}
 * drops it and closes the socket at once. Either way the connection ends with exactly one onClose.
 */
final class Connection implements ControlChannel {
    private static final Logger LOG = Logger.getLogger(Connection.class.getName());

    /** Callbacks to the client or server that owns the connection. */
    interface Owner {
        void opened(Connection c);

        void closed(Connection c, Throwable cause);
    }

    private final SocketChannel channel;
    private final Role role;
    private final String nodeName;
    private final ControlOptions options;
    private final Owner owner;
    private final String peerLabel;
    private final RecordLayer layer;
    private final Outbound out;
    private volatile Selector selector;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicLong heartbeatSeq = new AtomicLong();
    private final java.util.function.Consumer<SelectionKey> onReady = k -> readyOps = k.readyOps();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final Runnable service = this::service;
    private ControlDecoder decoder;
    private ByteBuffer netIn;
    private ByteBuffer app;
    private int readyOps;
    /** Where the open channel runs; null: on its own I/O thread throughout. */
    private volatile UdpEventLoop loop;
    /** The loop drives the socket now (the I/O thread has ended). */
    private volatile boolean onLoop;
    private boolean handedOver;
    private SelectionKey loopKey;
    /**
     * Between the Hello exchange and {@link #attach}: messages that arrived with the Hello, kept
     * for the loop so that every callback, onOpen first, runs on the loop thread.
     */
    private List<ControlMessage> beforeAttach;
    private volatile ControlListener listener;
    private volatile boolean open;
    private volatile boolean established;
    private volatile boolean aborted;
    private volatile long closeDeadline = Long.MAX_VALUE;
    private volatile Throwable closeCause;
    private volatile String peerName;
    private volatile String peerIdentity;
    private volatile long lastReceivedNanos = System.nanoTime();
    private volatile long rttNanos = -1;

    Connection(SocketChannel channel, Role role, String nodeName, ControlTls tls, ControlOptions options, Owner owner,
               ControlListener listener) throws IOException {
        this.channel = channel;
        this.role = role;
        this.nodeName = nodeName;
        this.options = options;
        this.owner = owner;
        this.listener = listener;
        InetSocketAddress peer = (InetSocketAddress) channel.getRemoteAddress();
        this.peerLabel = peer.getAddress().getHostAddress() + ":" + peer.getPort();
        this.layer = tls.layer(peer, role == Role.REAL_SERVER);
        this.out = new Outbound(layer, channel, options.queueCapacity(), this::wakeIo, this::abort);
    }

    /** Starts the I/O thread. */
    void start() throws IOException {
        channel.configureBlocking(false);
        selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        Thread io = new Thread(this::run, "qdsr-control-read-" + peerLabel);
        io.setDaemon(true);
        io.start();
    }

    @Override
    public boolean send(ControlMessage message) {
        return open && out.send(message, true);
    }

    @Override
    public boolean trySend(ControlMessage message) {
        return open && out.send(message, false);
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public WriteStats writeStats() {
        return out.writeStats();
    }

    @Override
    public void batchOn(Thread thread) {
        out.batchOn(thread);
    }

    /**
     * Before {@link #start}: the loop's thread batches its sends (the loop flushes the channel at
     * the end of each turn) and, when the loop can drive TCP sockets (not on the epoll path), the
     * open channel runs on it.
     */
    void driveOn(UdpEventLoop loop) {
        out.batchOn(loop.thread());
        if (loop.drivesChannels()) {
            this.loop = loop;
        }
    }

    @Override
    public void setListener(ControlListener listener) {
        this.listener = listener;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public String peerName() {
        return peerName;
    }

    @Override
    public String peerIdentity() {
        return peerIdentity;
    }

    @Override
    public long lastRttNanos() {
        return rttNanos;
    }

    @Override
    public void close() {
        shutDown(null, null);
    }

    /** Sends Error(code, reason) if possible, then closes; onClose gets {@code cause}. */
    void closeWithError(int code, String reason, Throwable cause) {
        shutDown(new ControlError(code, reason), cause);
    }

    private void shutDown(ControlError last, Throwable cause) {
        if (closing.compareAndSet(false, true)) {
            open = false;
            closeCause = cause;
            if (!established) {
                aborted = true; // nothing can be sent before the handshake finished
                out.drop();
                closeSocket();
                return;
            }
            closeDeadline = System.nanoTime() + options.handshakeTimeout().toNanos();
            if (!out.shut(last) && loop != null) {
                CloseTimer.abortLater(this, options.handshakeTimeout().toNanos());
            }
            wakeIo();
        }
    }

    /** Drops unwritten bytes and closes the socket now; onClose gets {@code cause}. */
    void abort(Throwable cause) {
        if (closeCause == null) {
            closeCause = cause;
        }
        closing.set(true);
        open = false;
        aborted = true;
        out.drop();
        closeSocket();
    }

    private void closeSocket() {
        try {
            channel.close(); // also shuts the output down, so the peer reads EOF
        } catch (IOException ignored) {
            // already broken
        }
        wakeIo();
    }

    /** Makes the I/O side look at the connection: its thread's selector, or a service task on the loop. */
    private void wakeIo() {
        if (onLoop) {
            if (!finished.get()) {
                try {
                    loop.execute(service);
                } catch (RejectedExecutionException closed) {
                    // the loop is shutting down: its onLoopClosed ends the connection
                }
            }
            return;
        }
        Selector s = selector;
        if (s != null) {
            s.wakeup();
        }
    }

    /** Heartbeat tick from the owner's timer. */
    void tick(long now) {
        if (closing.get() || !open) {
            return;
        }
        if (now - lastReceivedNanos > options.deadAfterNanos()) {
            abort(new ControlChannelException(ControlError.HEARTBEAT_TIMEOUT, "no message from " + peerLabel
                    + " for " + options.missedHeartbeats() + " heartbeat intervals"));
        } else {
            // Both ends send: a peer's heartbeat must not wait behind our own deep send queue.
            // Written by the I/O thread: the timer thread gets interrupted when its owner closes.
            out.sendInternal(new Heartbeat(heartbeatSeq.incrementAndGet(), now));
        }
    }

    /** Unwritten bytes (tests). */
    int pendingBytes() {
        return out.pendingBytes();
    }

    /** How often a write would have blocked (tests). */
    long backlogEvents() {
        return out.backlogEvents();
    }

    /** Records without caller bytes sealed after the handshake: KeyUpdates sent and answered (tests). */
    long ownRecords() {
        return out.ownRecords();
    }

    /** TLS 1.3: seals a KeyUpdate (the engine's beginHandshake on an established session); tests. */
    void requestKeyUpdate() throws IOException {
        layer.requestKeyUpdate();
        out.wrapOwn();
    }

    // ---- the I/O thread ----

    private void run() {
        Throwable cause = null;
        out.ioThread(Thread.currentThread());
        try {
            long handshakeDeadline = System.nanoTime() + options.handshakeTimeout().toNanos();
            decoder = new ControlDecoder(options.maxMessageSize());
            netIn = ByteBuffer.allocateDirect(Math.max(64 * 1024, layer.packetSize() + 1024));
            app = ByteBuffer.allocate(Math.max(64 * 1024, layer.packetSize() + 1024));
            layer.begin();
            handshakeStep();
            cause = loop(handshakeDeadline);
        } catch (SSLException e) {
            sendAlertQuietly();
            cause = closing.get() ? null : e;
        } catch (IOException | RuntimeException e) {
            cause = closing.get() ? null : e;
        } finally {
            if (!handedOver) {
                finish(closeCause != null ? closeCause : cause);
            }
        }
    }

    /** Returns the close cause: EOF from the peer (null if we were closing), or null after our close. */
    private Throwable loop(long handshakeDeadline) throws IOException {
        SelectionKey key = channel.keyFor(selector);
        int ops = SelectionKey.OP_READ;
        while (!aborted) {
            out.flushPosted();
            if (closing.get() && out.finished()) {
                out.closeNotify();
                return null;
            }
            int want = SelectionKey.OP_READ | (out.hasBacklog() ? SelectionKey.OP_WRITE : 0);
            if (want != ops) {
                key.interestOps(want);
                ops = want;
            }
            readyOps = 0;
            selector.select(onReady, waitMillis(handshakeDeadline));
            if (!key.isValid()) {
                break;
            }
            if ((readyOps & SelectionKey.OP_READ) != 0 && !readOnce()) {
                return eof();
            }
            if ((readyOps & SelectionKey.OP_WRITE) != 0 && key.isValid()) {
                out.onWritable();
            }
            if (open && loop != null && !closing.get() && !aborted) {
                handOver();
                return null;
            }
        }
        return null;
    }

    private Throwable eof() {
        return closing.get() ? null : new EOFException("control channel closed by " + peerLabel);
    }

    private long waitMillis(long handshakeDeadline) throws SocketTimeoutException {
        long now = System.nanoTime();
        if (closing.get()) {
            if (now >= closeDeadline) {
                LOG.log(Level.FINE, "control channel {0}: backlog not written in time, dropped", peerLabel);
                out.drop();
                return 1;
            }
            return Math.max(1, (closeDeadline - now) / 1_000_000);
        }
        if (!open) {
            if (now >= handshakeDeadline) {
                throw new SocketTimeoutException("control handshake with " + peerLabel + " timed out");
            }
            return Math.max(1, (handshakeDeadline - now) / 1_000_000);
        }
        return 0;
    }

    /** Reads once and handles everything that arrived; false at end of stream. */
    private boolean readOnce() throws IOException {
        int n = channel.read(netIn);
        if (n < 0) {
            return false;
        }
        lastReceivedNanos = System.nanoTime();
        netIn.flip();
        boolean progress;
        do {
            try {
                progress = layer.unwrap(netIn, app);
            } catch (EOFException closeNotify) {
                deliver(); // the records before close_notify
                return false;
            }
            deliver();
            if (layer.needsWrap()) {
                out.wrapOwn();
                progress = true;
            }
            handshakeStep();
        } while (progress && netIn.hasRemaining());
        netIn.compact();
        if (!netIn.hasRemaining()) {
            throw new SSLException("record larger than the receive buffer from " + peerLabel);
        }
        return true;
    }

    private void deliver() {
        if (app.position() == 0) {
            return;
        }
        try {
            if (!closing.get()) {
                decoder.feed(app.array(), 0, app.position(), this::dispatch);
            }
        } catch (ControlProtocolException e) {
            LOG.log(Level.FINE, "control protocol error from {0}: {1}", new Object[] {peerLabel, e.getMessage()});
            closeWithError(e.errorCode(), e.getMessage(), e);
        } finally {
            app.clear();
        }
    }

    /** Sends what the engine wants to; once the handshake finished, starts the Hello exchange. */
    private void handshakeStep() throws IOException {
        if (!established) {
            layer.runTasks();
        }
        if (layer.needsWrap()) {
            out.wrapOwn();
        }
        if (!established && layer.established()) {
            peerIdentity = layer.peerIdentity();
            established = true;
            if (role == Role.LOAD_BALANCER) {
                out.sendInternal(new Hello(ControlCodec.PROTOCOL_VERSION, nodeName, role));
            }
        }
    }

    // ---- on an event loop ----

    /** I/O thread, once open: gives the socket (and any partial record read) to the loop; the thread ends. */
    private void handOver() throws IOException {
        channel.keyFor(selector).cancel();
        selector.close(); // deregisters the socket, so the loop's selector may take it
        onLoop = true;
        handedOver = true;
        try {
            loop.execute(this::attach);
        } catch (RejectedExecutionException e) {
            onLoop = false;
            handedOver = false;
            throw new IOException("control loop closed before " + peerLabel + " could move to it", e);
        }
    }

    /** Loop thread: registers the socket, then writes what was posted meanwhile. */
    private void attach() {
        try {
            out.ioThread(Thread.currentThread());
            if (finished.get()) {
                return;
            }
            loopKey = loop.registerChannel(channel, SelectionKey.OP_READ, new ChannelHandler() {
                @Override
                public void onReady(int readyOps) {
                    onLoopReady(readyOps);
                }

                @Override
                public void onLoopClosed() {
                    abort(new IOException("control loop closed"));
                    end(null);
                }
            });
            announceOpen();
            List<ControlMessage> early = beforeAttach;
            beforeAttach = null;
            for (ControlMessage m : early) {
                dispatch(m);
            }
            service();
        } catch (RejectedExecutionException e) {
            abort(new IOException("control loop closed", e));
            end(null);
        } catch (IOException | RuntimeException e) {
            end(closing.get() ? null : e);
        }
    }

    private void onLoopReady(int ops) {
        try {
            if (!aborted && (ops & SelectionKey.OP_READ) != 0 && !readOnce()) {
                end(eof());
                return;
            }
            if (!aborted && (ops & SelectionKey.OP_WRITE) != 0) {
                out.onWritable();
            }
            service();
        } catch (SSLException e) {
            sendAlertQuietly();
            end(closing.get() ? null : e);
        } catch (IOException | RuntimeException e) {
            end(closing.get() ? null : e);
        }
    }

    /** Loop thread: what the I/O thread does before it waits (posted writes, closing, OP_WRITE interest). */
    private void service() {
        if (finished.get() || loopKey == null) {
            return; // not attached yet: attach() services once it is
        }
        try {
            if (aborted) {
                end(null);
                return;
            }
            out.flushPosted();
            if (closing.get() && out.finished()) {
                out.closeNotify();
                end(null);
                return;
            }
            int want = SelectionKey.OP_READ | (out.hasBacklog() ? SelectionKey.OP_WRITE : 0);
            if (loopKey.isValid() && loopKey.interestOps() != want) {
                loopKey.interestOps(want);
            }
        } catch (RuntimeException e) {
            end(e);
        }
    }

    /** Loop thread: the connection is over; onClose gets the first cause recorded. */
    private void end(Throwable cause) {
        if (loopKey != null) {
            loopKey.cancel();
        }
        finish(closeCause != null ? closeCause : cause);
    }

    /** Bounds how long a close on a loop may wait for the peer to take the backlog. */
    private static final class CloseTimer {
        private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
                r -> ControlServer.daemon(r, "qdsr-control-close-timer"));

        static void abortLater(Connection c, long nanos) {
            TIMER.schedule(() -> {
                if (!c.finished.get()) {
                    LOG.log(Level.FINE, "control channel {0}: backlog not written in time, dropped", c.peerLabel);
                    c.abort(null);
                }
            }, nanos, TimeUnit.NANOSECONDS);
        }
    }

    private void sendAlertQuietly() {
        try {
            if (layer.needsWrap()) {
                out.wrapOwn();
            }
        } catch (IOException | RuntimeException ignored) {
            // the handshake failed anyway
        }
    }

    private void dispatch(ControlMessage m) {
        if (closing.get()) {
            return;
        }
        if (m instanceof Heartbeat h) {
            out.sendInternal(new HeartbeatAck(h.seq(), h.sentNanos()));
        } else if (m instanceof HeartbeatAck a) {
            rttNanos = System.nanoTime() - a.echoedNanos();
        } else if (m instanceof ControlError e) {
            abort(new ControlChannelException(e.code(), "peer " + peerLabel + " closed with error " + e.code()
                    + ": " + e.message()));
        } else if (m instanceof Hello h) {
            onHello(h);
        } else if (m instanceof HelloAck a) {
            onHelloAck(a);
        } else if (!open) {
            violation("message before the Hello exchange");
        } else if (beforeAttach != null) {
            beforeAttach.add(m);
        } else {
            listener.onMessage(this, m);
        }
    }

    private void onHello(Hello h) {
        if (role != Role.REAL_SERVER || open || h.role() != Role.LOAD_BALANCER) {
            violation("unexpected Hello");
        } else if (h.protocolVersion() < ControlCodec.PROTOCOL_VERSION) {
            closeWithError(ControlError.VERSION_MISMATCH, "version " + ControlCodec.PROTOCOL_VERSION + " needed",
                    new ControlChannelException(ControlError.VERSION_MISMATCH, "peer speaks version "
                            + h.protocolVersion()));
        } else {
            out.sendInternal(new HelloAck(ControlCodec.PROTOCOL_VERSION, nodeName, role));
            opened(h.nodeName());
        }
    }

    private void onHelloAck(HelloAck a) {
        if (role != Role.LOAD_BALANCER || open || a.role() != Role.REAL_SERVER) {
            violation("unexpected HelloAck");
        } else if (a.protocolVersion() != ControlCodec.PROTOCOL_VERSION) {
            closeWithError(ControlError.VERSION_MISMATCH, "version " + ControlCodec.PROTOCOL_VERSION + " needed",
                    new ControlChannelException(ControlError.VERSION_MISMATCH, "peer chose version "
                            + a.protocolVersion()));
        } else {
            opened(a.nodeName());
        }
    }

    private void opened(String name) {
        peerName = name;
        open = true;
        LOG.log(Level.FINE, "control channel open: {0} ({1}, {2})", new Object[] {peerLabel, name, peerIdentity});
        if (loop != null) {
            beforeAttach = new ArrayList<>(); // the loop announces the channel once it drives it (attach)
        } else {
            announceOpen();
        }
    }

    private void announceOpen() {
        owner.opened(this);
        listener.onOpen(this);
    }

    private void violation(String what) {
        closeWithError(ControlError.PROTOCOL_VIOLATION, what,
                new ControlProtocolException(what + " from " + peerLabel));
    }

    private void finish(Throwable cause) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        open = false;
        closing.set(true);
        out.drop();
        closeSocket();
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            listener.onClose(this, cause);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "control listener failed in onClose", e);
        }
        owner.closed(this, cause);
    }

    @Override
    public String toString() {
        return "ControlChannel[" + role + " -> " + peerLabel + (peerName != null ? " (" + peerName + ")" : "")
                + (open ? ", open" : "") + "]";
    }
}
