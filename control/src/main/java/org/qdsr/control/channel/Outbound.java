package org.qdsr.control.channel;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.qdsr.control.message.ControlEncoder;
import org.qdsr.control.message.ControlMessage;

/**
 * The sending side of one connection, run on the caller's thread: {@code send} encodes into a
 * per-channel buffer; a flush seals the buffer into as few records as possible and writes them
 * with ONE non-blocking write. Only what the socket does not take goes to the backlog, which the
 * connection's I/O thread writes when the socket is writable; while a backlog exists, flushes
 * only append to it (order is kept: everything is sealed and written under one lock).
 *
 * <p>Flushing: sends from the batching thread ({@link #batchOn}) stay buffered until
 * {@link #flush()} or until {@value #BATCH_BYTES} bytes are buffered; sends from other threads are
 * written by the I/O thread (see {@link #afterAppend}): the hand-off is kept off the hot path. Backpressure: at most {@code capacity} caller messages may be buffered or in the
 * backlog; {@code send(m, true)} waits for room (except on the I/O thread, which writes the
 * backlog itself: there it goes over capacity), {@code send(m, false)} refuses. Internal messages
 * (Hello, heartbeats, Error) do not count.
 */
final class Outbound {
    static final int BATCH_BYTES = 64 * 1024;
    /**
     * The I/O thread (an event loop, once the channel runs on one) never waits for room: it goes
     * over capacity instead. Past this many unwritten bytes the peer is not reading, and the
     * channel is aborted (the owner fails its streams over) rather than the backlog growing
     * without bound while the peer's heartbeats, which do not depend on its reading, keep it alive.
     * Large: an RS proxying many streams legitimately runs ahead by the sum of their windows.
     */
    static final int IO_THREAD_BACKLOG_LIMIT = 256 * 1024 * 1024;
    private static final int INITIAL_NET = 128 * 1024;
    private static final int KEEP_NET = 1024 * 1024;
    /** Largest slice per write call: the JDK copies a heap buffer into a per-thread direct buffer of that size. */
    private static final int WRITE_SLICE = 256 * 1024;

    /**
     * Fair: a sender writing back to back must not starve the I/O thread (its HeartbeatAck or
     * backlog write waits here; starved for three heartbeat intervals, the peer declares us dead).
     */
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition drained = lock.newCondition();
    private final ControlEncoder encoder = new ControlEncoder(BATCH_BYTES + 1024);
    private final WrittenMarks marks = new WrittenMarks();
    private final RecordLayer layer;
    private final SocketChannel channel;
    private final int capacity;
    private final Runnable wakeIo;
    private final Consumer<IOException> onFailure;
    private final RecordLayer.Sink sink = this::room;
    private final OutputStream sealer = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            seal(plainView(b, off, len));
        }
    };
    /** A reused view of the encoder's array (re-made only when the encoder grows its array). */
    private ByteBuffer plain = ByteBuffer.allocate(0);
    /** Heap, not direct: the JDK's AES-GCM seals small records into a heap buffer about twice as fast. */
    private ByteBuffer net = ByteBuffer.allocate(INITIAL_NET); // write mode: [0, position) unwritten
    private long sealedBytes;
    private long writtenBytes;
    private int unflushed;
    private int held;
    private boolean shut;
    private boolean dropped;
    private volatile boolean dirty;
    private volatile boolean posted;
    private volatile boolean backlog;
    private volatile Thread batchingThread;
    private volatile Thread ioThread;
    private long backlogEvents;
    private long messages;
    private long flushes;
    private long socketWrites;

    /**
     * @param wakeIo    called (under the lock) when a backlog appears: the I/O thread must watch OP_WRITE
     * @param onFailure called (under the lock) when sealing or writing failed on a sending thread
     */
    Outbound(RecordLayer layer, SocketChannel channel, int capacity, Runnable wakeIo, Consumer<IOException> onFailure) {
        this.layer = layer;
        this.channel = channel;
        this.capacity = capacity;
        this.wakeIo = wakeIo;
        this.onFailure = onFailure;
    }

    void batchOn(Thread thread) {
        batchingThread = thread;
    }

    /** The connection's I/O thread: it writes the backlog, and never gets interrupted. */
    void ioThread(Thread thread) {
        ioThread = thread;
    }

    /** I/O thread, before it waits: writes what it and other threads handed to it. */
    void flushPosted() {
        if (posted) {
            lock.lock();
            try {
                flushLocked();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Appends a caller message (holds a unit of capacity until written); false if refused. */
    boolean send(ControlMessage m, boolean block) {
        lock.lock();
        try {
            if (shut || held >= capacity && !makeRoom(block)) {
                return false;
            }
            encoder.append(m);
            messages++;
            held++;
            unflushed++;
            afterAppend();
            if (backlog && net.position() > IO_THREAD_BACKLOG_LIMIT && Thread.currentThread() == ioThread) {
                fail(new IOException("peer is not reading: " + net.position() + " bytes unwritten"));
            }
            return !dropped;
        } finally {
            lock.unlock();
        }
    }

    /** Appends a message of the channel itself (Hello, heartbeats; no capacity); false once shut. */
    boolean sendInternal(ControlMessage m) {
        lock.lock();
        try {
            if (shut) {
                return false;
            }
            encoder.append(m);
            afterAppend();
            return !dropped;
        } finally {
            lock.unlock();
        }
    }

    /** Seals and writes what the batching thread buffered; cheap when nothing is buffered. */
    void flush() {
        if (!dirty) {
            return;
        }
        lock.lock();
        try {
            flushLocked();
        } finally {
            lock.unlock();
        }
    }

    private boolean makeRoom(boolean block) {
        flushLocked();
        if (block && Thread.currentThread() == ioThread) {
            return !shut; // a listener callback or the loop: only this thread writes the backlog, waiting would deadlock
        }
        while (held >= capacity && !shut) {
            if (!block) {
                return false;
            }
            try {
                drained.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !shut;
    }

    /**
     * Who writes: past {@value #BATCH_BYTES} the appending thread; else the batching thread at its
     * {@link #flush()}; else the I/O thread before it next waits (its own sends: after the read
     * that caused them; other threads': woken once per burst, so their messages coalesce too, and
     * a thread that may be interrupted never writes: an interrupt during a write closes the channel).
     */
    private void afterAppend() {
        if (encoder.size() >= BATCH_BYTES) {
            flushLocked();
            return;
        }
        Thread self = Thread.currentThread();
        if (self == batchingThread) {
            if (!dirty) {
                dirty = true;
            }
        } else if (!posted) {
            posted = true;
            if (self != ioThread) {
                wakeIo.run();
            }
        }
    }

    private void flushLocked() {
        dirty = false;
        posted = false;
        if (encoder.size() == 0 || dropped) {
            return;
        }
        flushes++;
        try {
            encoder.writeTo(sealer);
        } catch (IOException e) {
            fail(e);
            return;
        }
        if (unflushed > 0) {
            marks.add(sealedBytes, unflushed);
            unflushed = 0;
        }
        if (!backlog) {
            writeLocked();
        }
    }

    /** {@code b[off, off + len)} as a buffer, without a new wrapper per flush (lock held). */
    private ByteBuffer plainView(byte[] b, int off, int len) {
        if (!plain.hasArray() || plain.array() != b) {
            plain = ByteBuffer.wrap(b);
        }
        plain.clear();
        plain.position(off).limit(off + len);
        return plain;
    }

    /** Seals {@code src} behind everything sealed before (lock held). */
    private void seal(ByteBuffer src) throws IOException {
        int before = net.position();
        layer.wrap(src, sink);
        sealedBytes += net.position() - before;
    }

    private ByteBuffer room(int bytes) {
        if (net.remaining() < bytes) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(net.capacity() * 2, net.position() + bytes));
            net.flip();
            bigger.put(net);
            net = bigger;
        }
        return net;
    }

    /** One non-blocking write of the unwritten bytes; what remains is the backlog (lock held). */
    private void writeLocked() {
        if (dropped || net.position() == 0) {
            return;
        }
        Thread self = Thread.currentThread();
        if (self != ioThread && self.isInterrupted()) {
            markBacklog(); // writing would close the channel (InterruptibleChannel): the I/O thread writes
            return;
        }
        net.flip();
        try {
            writeSlices();
        } catch (IOException e) {
            net.compact();
            fail(e);
            return;
        }
        net.compact();
        int released = marks.releaseUpTo(writtenBytes);
        if (released > 0) {
            held -= released;
            if (lock.hasWaiters(drained)) {
                drained.signalAll();
            }
        }
        boolean more = net.position() > 0;
        if (more) {
            markBacklog();
        } else {
            backlog = false;
            if (net.capacity() > KEEP_NET) {
                net = ByteBuffer.allocate(INITIAL_NET);
            }
        }
    }

    /** Writes {@code net} (read mode) in slices until done or the socket takes less than offered. */
    private void writeSlices() throws IOException {
        int end = net.limit();
        try {
            while (net.position() < end) {
                int offered = Math.min(end - net.position(), WRITE_SLICE);
                net.limit(net.position() + offered);
                int n = channel.write(net);
                socketWrites++;
                writtenBytes += n;
                if (n < offered) {
                    return;
                }
            }
        } finally {
            net.limit(end);
        }
    }

    private void markBacklog() {
        if (!backlog) {
            backlogEvents++;
            backlog = true;
            wakeIo.run();
        }
    }

    private void fail(IOException e) {
        dropLocked();
        onFailure.accept(e);
    }

    // ---- the I/O thread ----

    /** True while bytes wait for the socket to become writable. */
    boolean hasBacklog() {
        return backlog;
    }

    /** The socket is writable: writes the backlog (I/O thread). */
    void onWritable() {
        lock.lock();
        try {
            writeLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Seals and writes the records the TLS engine wants to send (handshake, KeyUpdate, alert). */
    void wrapOwn() throws IOException {
        lock.lock();
        try {
            if (dropped) {
                return;
            }
            seal(RecordLayer.NOTHING);
            if (!backlog) {
                writeLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Refuses further sends, appends {@code last} (if not null) and flushes. Returns whether
     * everything is written; otherwise the I/O thread finishes the backlog.
     */
    boolean shut(ControlMessage last) {
        lock.lock();
        try {
            if (last != null && !shut) {
                encoder.append(last);
            }
            shut = true;
            flushLocked();
            drained.signalAll();
            return net.position() == 0;
        } finally {
            lock.unlock();
        }
    }

    /** After {@link #shut}: everything written (or dropped); the socket may close. */
    boolean finished() {
        lock.lock();
        try {
            return dropped || shut && encoder.size() == 0 && net.position() == 0;
        } finally {
            lock.unlock();
        }
    }

    /** Sends TLS close_notify, best effort (I/O thread, when idle after {@link #shut}). */
    void closeNotify() {
        lock.lock();
        try {
            if (!dropped) {
                layer.closeOutbound();
                seal(RecordLayer.NOTHING);
                writeLocked();
            }
        } catch (IOException ignored) {
            // closing anyway
        } finally {
            lock.unlock();
        }
    }

    /** Drops everything unwritten and refuses further sends (abort). */
    void drop() {
        lock.lock();
        try {
            dropLocked();
        } finally {
            lock.unlock();
        }
    }

    private void dropLocked() {
        shut = true;
        dropped = true;
        encoder.reset();
        net.clear();
        backlog = false;
        drained.signalAll();
    }

    /** Unwritten bytes: buffered plaintext plus the sealed backlog (for tests). */
    int pendingBytes() {
        lock.lock();
        try {
            return encoder.size() + net.position();
        } finally {
            lock.unlock();
        }
    }

    /** See {@link RecordLayer#ownRecords()} (for tests). */
    long ownRecords() {
        lock.lock();
        try {
            return layer.ownRecords();
        } finally {
            lock.unlock();
        }
    }

    /** Counts of this sending side (see {@link WriteStats}). */
    WriteStats writeStats() {
        lock.lock();
        try {
            return new WriteStats(messages, flushes, layer.records(), socketWrites);
        } finally {
            lock.unlock();
        }
    }

    /** How often a write left a backlog (for tests). */
    long backlogEvents() {
        lock.lock();
        try {
            return backlogEvents;
        } finally {
            lock.unlock();
        }
    }
}
