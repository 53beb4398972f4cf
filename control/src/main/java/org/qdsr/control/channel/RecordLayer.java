package org.qdsr.control.channel;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The byte layer under the control framing: TLS 1.3 through an {@link SSLEngine}, or plain TCP
 * ({@code --insecure-control}). {@code wrap} runs under the {@link Outbound} lock (any sending
 * thread); {@code unwrap} only on the connection's I/O thread. The engine may be used by both at
 * once: it serialises wrap and unwrap itself, and every record it produces goes through
 * {@link Outbound}, so records reach the socket in the order they were sealed.
 */
abstract class RecordLayer {
    /** Nothing to send: wrap it to emit the engine's own records. */
    static final ByteBuffer NOTHING = ByteBuffer.allocate(0).asReadOnlyBuffer();

    /** Where wrapped bytes go: must make {@code room} bytes writable and return the buffer. */
    interface Sink {
        ByteBuffer room(int bytes);
    }

    /** Starts the handshake (no-op without TLS). */
    abstract void begin() throws IOException;

    /** True once the handshake finished (always, without TLS). */
    abstract boolean established();

    /** True when the layer has bytes of its own to send (handshake, KeyUpdate, alert). */
    abstract boolean needsWrap();

    /** Seals all of {@code src} into {@code out}; also emits any pending handshake records. */
    abstract void wrap(ByteBuffer src, Sink out) throws IOException;

    /**
     * Opens records from {@code net} (read mode) into {@code app} (write mode) until {@code net}
     * holds no complete record, {@code app} is full, or the engine wants to wrap. Returns whether
     * anything was consumed or produced. EOFException once the peer sent close_notify.
     */
    abstract boolean unwrap(ByteBuffer net, ByteBuffer app) throws IOException;

    /** Runs delegated handshake tasks, if any (I/O thread). */
    abstract void runTasks();

    /** Marks the outbound side closed; the next {@link #wrap} of nothing emits close_notify. */
    abstract void closeOutbound();

    /** TLS 1.3: makes the engine send a KeyUpdate (RFC 8446 §4.6.3) with its next wrap. */
    abstract void requestKeyUpdate() throws IOException;

    /** Records sealed after the handshake that carried no caller bytes (KeyUpdate, close_notify; tests). */
    long ownRecords() {
        return 0;
    }

    /** Records sealed so far (0 without TLS). */
    long records() {
        return 0;
    }

    /** Largest record the layer emits, for sizing buffers. */
    abstract int packetSize();

    /** The peer's certificate subject, or "insecure". */
    abstract String peerIdentity() throws IOException;

    static RecordLayer plain() {
        return new Plain();
    }

    static RecordLayer tls(SSLEngine engine) {
        return new Tls(engine);
    }

    private static final class Plain extends RecordLayer {
        @Override
        void begin() {
        }

        @Override
        boolean established() {
            return true;
        }

        @Override
        boolean needsWrap() {
            return false;
        }

        @Override
        void wrap(ByteBuffer src, Sink out) {
            out.room(src.remaining()).put(src);
        }

        @Override
        boolean unwrap(ByteBuffer net, ByteBuffer app) {
            int n = Math.min(net.remaining(), app.remaining());
            ByteBuffer slice = net.slice();
            slice.limit(n);
            app.put(slice);
            net.position(net.position() + n);
            return n > 0;
        }

        @Override
        void runTasks() {
        }

        @Override
        void closeOutbound() {
        }

        @Override
        void requestKeyUpdate() {
        }

        @Override
        int packetSize() {
            return 16 * 1024;
        }

        @Override
        String peerIdentity() {
            return "insecure";
        }
    }

    private static final class Tls extends RecordLayer {
        private final SSLEngine engine;
        private volatile boolean begun;
        private volatile boolean established;
        private long ownRecords;
        private long records;
        /** The session's packet buffer size, read once the handshake is done (0 = not yet; it does not change after). */
        private volatile int establishedPacketSize;

        Tls(SSLEngine engine) {
            this.engine = engine;
        }

        @Override
        void begin() throws IOException {
            engine.beginHandshake();
            begun = true;
        }

        @Override
        boolean established() {
            if (!established && begun && engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING) {
                established = true;
            }
            return established;
        }

        @Override
        boolean needsWrap() {
            return engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP;
        }

        @Override
        void wrap(ByteBuffer src, Sink out) throws IOException {
            int packet = packetSize();
            do {
                SSLEngineResult r = engine.wrap(src, out.room(packet));
                if (r.bytesProduced() > 0) {
                    records++;
                }
                if (r.bytesConsumed() == 0 && r.bytesProduced() > 0 && established) {
                    ownRecords++;
                }
                switch (r.getStatus()) {
                    case OK -> {
                        if (r.bytesConsumed() == 0 && r.bytesProduced() == 0 && !progress(r)) {
                            return;
                        }
                    }
                    case BUFFER_OVERFLOW -> packet *= 2;
                    case CLOSED -> {
                        if (src.hasRemaining()) {
                            throw new SSLException("control channel TLS closed for writing");
                        }
                        return;
                    }
                    default -> throw new SSLException("unexpected wrap status " + r.getStatus());
                }
            } while (src.hasRemaining() || needsWrap());
        }

        /** After a wrap that moved nothing: runs tasks; false when there is nothing left to do. */
        private boolean progress(SSLEngineResult r) throws SSLException {
            if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                runTasks();
                return true;
            }
            if (r.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                throw new SSLException("TLS engine wants to wrap but produces nothing");
            }
            return false;
        }

        @Override
        boolean unwrap(ByteBuffer net, ByteBuffer app) throws IOException {
            boolean progress = false;
            while (net.hasRemaining()) {
                SSLEngineResult r = engine.unwrap(net, app);
                progress |= r.bytesConsumed() > 0 || r.bytesProduced() > 0;
                switch (r.getStatus()) {
                    case OK -> {
                        if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                            runTasks();
                            continue;
                        }
                        if (r.getHandshakeStatus() == HandshakeStatus.NEED_WRAP
                                || r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                            return progress; // the caller wraps what the engine wants to send, then calls again
                        }
                    }
                    case BUFFER_UNDERFLOW, BUFFER_OVERFLOW -> {
                        return progress;
                    }
                    case CLOSED -> throw new EOFException("TLS close_notify");
                    default -> throw new SSLException("unexpected unwrap status " + r.getStatus());
                }
            }
            return progress;
        }

        @Override
        void runTasks() {
            Runnable task;
            while ((task = engine.getDelegatedTask()) != null) {
                task.run();
            }
        }

        @Override
        void closeOutbound() {
            engine.closeOutbound();
        }

        @Override
        long ownRecords() {
            return ownRecords;
        }

        @Override
        long records() {
            return records;
        }

        /** On an established TLS 1.3 session the JDK answers beginHandshake with a KeyUpdate. */
        @Override
        void requestKeyUpdate() throws IOException {
            engine.beginHandshake();
        }

        @Override
        int packetSize() {
            int cached = establishedPacketSize;
            if (cached > 0) {
                return cached;
            }
            int size = engine.getSession().getPacketBufferSize(); // getSession takes the engine's lock
            if (established) {
                establishedPacketSize = size;
            }
            return size;
        }

        @Override
        String peerIdentity() throws IOException {
            return engine.getSession().getPeerPrincipal().getName();
        }
    }
}
