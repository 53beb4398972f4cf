package org.qdsr.control.channel;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLSocket;
import org.qdsr.control.message.ControlCodec;
import org.qdsr.control.message.ControlDecoder;
import org.qdsr.control.message.ControlEncoder;
import org.qdsr.control.message.ControlError;
import org.qdsr.control.message.ControlMessage;
import org.qdsr.control.message.ControlProtocolException;
import org.qdsr.control.message.Heartbeat;
import org.qdsr.control.message.HeartbeatAck;
import org.qdsr.control.message.Hello;
import org.qdsr.control.message.HelloAck;
import org.qdsr.control.message.Role;

/**
 * One TCP (+TLS) connection: a reader thread (handshake, Hello exchange, decoding, listener
 * callbacks) and a writer thread (drains the queue, coalesces messages into one write per wake).
 * Closing: {@link #close()} flushes then closes; {@link #abort} closes the raw socket at once.
 * Either way the reader thread ends with exactly one onClose.
 */
final class Connection implements ControlChannel {
    private static final Logger LOG = Logger.getLogger(Connection.class.getName());
    private static final Object CLOSE = new Object();
    private static final int BATCH_BYTES = 64 * 1024;

    /** Callbacks to the client or server that owns the connection. */
    interface Owner {
        void opened(Connection c);

        void closed(Connection c, Throwable cause);
    }

    /** Queued by the channel itself; does not hold a send permit. */
    private record Internal(ControlMessage message) {
    }

    private final Socket raw;
    private final Role role;
    private final String nodeName;
    private final ControlTls tls;
    private final ControlOptions options;
    private final Owner owner;
    private final String peerLabel;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Semaphore permits;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicLong heartbeatSeq = new AtomicLong();
    private volatile ControlListener listener;
    private volatile Socket socket;
    private volatile boolean open;
    private volatile Throwable closeCause;
    private volatile String peerName;
    private volatile String peerIdentity;
    private volatile long lastReceivedNanos = System.nanoTime();
    private volatile long rttNanos = -1;
    private volatile boolean writerStarted;

    Connection(Socket raw, Role role, String nodeName, ControlTls tls, ControlOptions options, Owner owner,
               ControlListener listener) {
        this.raw = raw;
        this.role = role;
        this.nodeName = nodeName;
        this.tls = tls;
        this.options = options;
        this.owner = owner;
        this.listener = listener;
        this.permits = new Semaphore(options.queueCapacity());
        InetSocketAddress peer = (InetSocketAddress) raw.getRemoteSocketAddress();
        this.peerLabel = peer.getAddress().getHostAddress() + ":" + peer.getPort();
    }

    void start() {
        Thread reader = new Thread(this::readLoop, "qdsr-control-read-" + peerLabel);
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public boolean send(ControlMessage message) {
        if (!open) {
            return false;
        }
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return enqueueWithPermit(message);
    }

    @Override
    public boolean trySend(ControlMessage message) {
        return open && permits.tryAcquire() && enqueueWithPermit(message);
    }

    private boolean enqueueWithPermit(ControlMessage message) {
        if (!open || closing.get()) {
            permits.release();
            return false;
        }
        queue.add(message);
        return true;
    }

    private void enqueueInternal(ControlMessage message) {
        if (!closing.get()) {
            queue.add(new Internal(message));
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
        if (closing.compareAndSet(false, true)) {
            open = false;
            queue.add(CLOSE);
            closeIfNoWriter();
        }
    }

    /** Before the handshake finished there is no writer to flush and close: close the socket now. */
    private void closeIfNoWriter() {
        if (!writerStarted) {
            closeQuietly(raw);
        }
    }

    /** Sends Error(code, reason) if possible, then closes; onClose gets {@code cause}. */
    void closeWithError(int code, String reason, Throwable cause) {
        if (closing.compareAndSet(false, true)) {
            open = false;
            closeCause = cause;
            queue.add(new Internal(new ControlError(code, reason)));
            queue.add(CLOSE);
            closeIfNoWriter();
        }
    }

    /** Closes the socket now (unblocks both threads); onClose gets {@code cause}. */
    void abort(Throwable cause) {
        if (closeCause == null) {
            closeCause = cause;
        }
        closing.set(true);
        open = false;
        closeQuietly(raw);
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
            enqueueInternal(new Heartbeat(heartbeatSeq.incrementAndGet(), now));
        }
    }

    // ---- reader thread ----

    private void readLoop() {
        Throwable cause = null;
        try {
            raw.setSoTimeout((int) options.handshakeTimeout().toMillis());
            socket = tls.wrap(raw, role == Role.REAL_SERVER);
            if (socket instanceof SSLSocket ssl) {
                ssl.startHandshake();
                peerIdentity = ssl.getSession().getPeerPrincipal().getName();
            } else {
                peerIdentity = "insecure";
            }
            startWriter();
            if (role == Role.LOAD_BALANCER) {
                enqueueInternal(new Hello(ControlCodec.PROTOCOL_VERSION, nodeName, role));
            }
            read(socket.getInputStream());
            cause = closing.get() ? null : new EOFException("control channel closed by " + peerLabel);
        } catch (ControlProtocolException e) {
            LOG.log(Level.FINE, "control protocol error from {0}: {1}", new Object[] {peerLabel, e.getMessage()});
            closeWithError(e.errorCode(), e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            cause = closing.get() ? null : e;
        } finally {
            finish(closeCause != null ? closeCause : cause);
        }
    }

    private void read(InputStream in) throws IOException, ControlProtocolException {
        ControlDecoder decoder = new ControlDecoder(options.maxMessageSize());
        byte[] buf = new byte[32 * 1024];
        while (!closing.get()) {
            int n = in.read(buf);
            if (n < 0) {
                return;
            }
            lastReceivedNanos = System.nanoTime();
            decoder.feed(buf, 0, n, this::dispatch);
        }
    }

    private void dispatch(ControlMessage m) {
        if (closing.get()) {
            return;
        }
        if (m instanceof Heartbeat h) {
            enqueueInternal(new HeartbeatAck(h.seq(), h.sentNanos()));
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
            enqueueInternal(new HelloAck(ControlCodec.PROTOCOL_VERSION, nodeName, role));
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
        try {
            raw.setSoTimeout(0);
        } catch (IOException e) {
            abort(e);
            return;
        }
        open = true;
        LOG.log(Level.FINE, "control channel open: {0} ({1}, {2})", new Object[] {peerLabel, name, peerIdentity});
        owner.opened(this);
        listener.onOpen(this);
    }

    private void violation(String what) {
        closeWithError(ControlError.PROTOCOL_VIOLATION, what,
                new ControlProtocolException(what + " from " + peerLabel));
    }

    private void finish(Throwable cause) {
        open = false;
        closing.set(true);
        queue.add(CLOSE);
        permits.release(options.queueCapacity() + 1_000_000);
        closeIfNoWriter();
        try {
            listener.onClose(this, cause);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "control listener failed in onClose", e);
        }
        owner.closed(this, cause);
    }

    // ---- writer thread ----

    private void startWriter() {
        writerStarted = true;
        Thread writer = new Thread(this::writeLoop, "qdsr-control-write-" + peerLabel);
        writer.setDaemon(true);
        writer.start();
    }

    private void writeLoop() {
        ControlEncoder encoder = new ControlEncoder(BATCH_BYTES + 1024);
        try {
            OutputStream out = socket.getOutputStream();
            boolean done = false;
            while (!done) {
                Object item = queue.take();
                while (item != null && item != CLOSE) {
                    append(encoder, item);
                    item = encoder.size() < BATCH_BYTES ? queue.poll() : null;
                }
                done = item == CLOSE;
                if (encoder.size() > 0) {
                    encoder.writeTo(out);
                    out.flush();
                }
            }
        } catch (IOException e) {
            abort(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(socket);
            closeQuietly(raw);
        }
    }

    private void append(ControlEncoder encoder, Object item) {
        if (item instanceof Internal i) {
            encoder.append(i.message());
        } else {
            permits.release();
            encoder.append((ControlMessage) item);
        }
    }

    private static void closeQuietly(Socket s) {
        if (s == null) {
            return;
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // already broken
        }
    }

    @Override
    public String toString() {
        return "ControlChannel[" + role + " -> " + peerLabel + (peerName != null ? " (" + peerName + ")" : "")
                + (open ? ", open" : "") + "]";
    }
}
