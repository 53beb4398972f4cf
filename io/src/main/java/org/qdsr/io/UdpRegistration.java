package org.qdsr.io;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import org.qdsr.quic.DatagramEndpoint;
import org.qdsr.quic.DatagramSink;

/**
 * One UDP socket registered with a {@link UdpEventLoop} and the endpoint it feeds. Also the
 * {@link DatagramSink} handed to the endpoint's {@code drainTransmit}: it sends with this socket,
 * and when the socket buffer is full it refuses (returns false) and waits for {@code OP_WRITE}.
 * All methods except {@link #localAddress()} and {@link #close()} run on the loop thread.
 *
 * <p>On the epoll path ({@link EpollDriver}) datagrams to one destination are batched: equal-size
 * datagrams go out as one GSO send (the last of a batch may be shorter); the loop flushes the
 * batches after each drain ({@link #flushOut()}).
 */
public final class UdpRegistration implements DatagramSink, AutoCloseable {
    /** Datagrams read per readiness event before other sockets and timers get a turn. */
    static final int RECEIVE_BATCH = 64;

    private final UdpEventLoop loop;
    /** Most segments per GSO send (the kernel's UDP_MAX_SEGMENTS) and most bytes per send. */
    private static final int MAX_SEGMENTS = 64;
    private static final int MAX_BATCH_BYTES = 65000;

    /** Callbacks of the epoll socket (loop thread). */
    interface Handler {
        void onPacket(ByteBuf content, InetSocketAddress from);

        void onWritabilityChanged(boolean writable);

        void onFailure(Throwable t);
    }

    private final DatagramChannel channel;
    private final Channel netty;
    private final boolean gso;
    private ByteBuf batch;
    private InetSocketAddress batchTo;
    private int segmentSize;
    private int segments;
    private boolean batchClosed;
    private final DatagramEndpoint endpoint;
    private final UdpOptions options;
    private final InetSocketAddress localAddress;
    private SelectionKey key;
    private ByteBuffer txWrapper;
    private boolean blocked;

    UdpRegistration(UdpEventLoop loop, DatagramChannel channel, DatagramEndpoint endpoint, UdpOptions options)
            throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.netty = null;
        this.gso = false;
        this.endpoint = endpoint;
        this.options = options;
        this.localAddress = (InetSocketAddress) channel.getLocalAddress();
    }

    /** An epoll socket: {@code bind} opens it with {@link #handler()} as its callbacks. */
    UdpRegistration(UdpEventLoop loop, EpollDriver driver, InetSocketAddress bind, DatagramEndpoint endpoint,
                    UdpOptions options) throws IOException {
        this.loop = loop;
        this.channel = null;
        this.endpoint = endpoint;
        this.options = options;
        this.gso = EpollDriver.gsoSupported();
        this.netty = driver.bind(bind, options, new Handler() {
            @Override
            public void onPacket(ByteBuf content, InetSocketAddress from) {
                deliver(content, from);
            }

            @Override
            public void onWritabilityChanged(boolean writable) {
                blocked = !writable;
            }

            @Override
            public void onFailure(Throwable t) {
                loop.counters().add(UdpCounters.SEND_FAILURES, 1);
                loop.logIoFailure("socket " + localAddress, t);
            }
        });
        this.localAddress = (InetSocketAddress) netty.localAddress();
    }

    /** The bound address (with the real port when bound to port 0). */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    public DatagramEndpoint endpoint() {
        return endpoint;
    }

    public UdpOptions options() {
        return options;
    }

    /** Unregisters and closes the socket; waits for the loop unless called on it. */
    @Override
    public void close() {
        loop.unregister(this);
    }

    void key(SelectionKey k) {
        this.key = k;
    }

    /** The NIO channel, or null on the epoll path. */
    DatagramChannel channel() {
        return channel;
    }

    boolean isOpen() {
        return netty != null ? netty.isOpen() : channel.isOpen();
    }

    boolean canSend() {
        return options.mode().sends() && !blocked && isOpen();
    }

    /** Epoll path: starts reading (after the loop attached this registration). */
    void startReading() {
        if (netty != null && options.mode().receives()) {
            netty.config().setAutoRead(true);
            netty.read();
        }
    }

    void closeChannel() throws IOException {
        if (netty != null) {
            releaseBatch();
            netty.close();
        } else {
            channel.close();
        }
    }

    private void deliver(ByteBuf content, InetSocketAddress from) {
        byte[] rx = loop.receiveArray();
        int len = Math.min(content.readableBytes(), rx.length);
        content.getBytes(content.readerIndex(), rx, 0, len);
        UdpCounters counters = loop.counters();
        counters.add(UdpCounters.DATAGRAMS_IN, 1);
        counters.add(UdpCounters.BYTES_IN, len);
        try {
            endpoint.onDatagram(rx, 0, len, from, System.nanoTime());
        } catch (RuntimeException | Error e) {
            loop.endpointFailed("onDatagram", e);
        }
    }

    /**
     * Reads up to {@link #RECEIVE_BATCH} datagrams (until the socket is empty) into the loop's
     * direct buffer {@code rx}, copies each into {@code array} and delivers it from there.
     */
    void receiveBatch(ByteBuffer rx, byte[] array, UdpCounters counters) {
        long now = System.nanoTime();
        for (int i = 0; i < RECEIVE_BATCH; i++) {
            rx.clear();
            SocketAddress from;
            try {
                from = channel.receive(rx);
            } catch (IOException | RuntimeException e) {
                counters.add(UdpCounters.RECEIVE_FAILURES, 1);
                loop.logIoFailure("receive on " + localAddress, e);
                return;
            }
            if (from == null) {
                return;
            }
            int len = rx.position();
            rx.get(0, array, 0, len);
            counters.add(UdpCounters.DATAGRAMS_IN, 1);
            counters.add(UdpCounters.BYTES_IN, len);
            try {
                endpoint.onDatagram(array, 0, len, (InetSocketAddress) from, now);
            } catch (RuntimeException | Error e) {
                loop.endpointFailed("onDatagram", e);
            }
        }
    }

    /** The socket can take datagrams again. */
    void onWritable() {
        blocked = false;
        key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
    }

    @Override
    public boolean send(byte[] data, int off, int len, InetSocketAddress to) {
        if (blocked) {
            return false;
        }
        if (netty != null) {
            return batch(data, off, len, to);
        }
        ByteBuffer b = txWrapper;
        if (b == null || b.array() != data) {
            b = ByteBuffer.wrap(data);
            txWrapper = b;
        }
        b.clear().position(off).limit(off + len);
        UdpCounters counters = loop.counters();
        try {
            if (channel.send(b, to) == 0) {
                blocked = true;
                key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
                counters.add(UdpCounters.SEND_BLOCKED, 1);
                return false;
            }
        } catch (IOException | RuntimeException e) {
            // an unreachable or unsupported destination: drop this datagram, keep draining
            counters.add(UdpCounters.SEND_FAILURES, 1);
            loop.logIoFailure("send from " + localAddress + " to " + to, e);
            return channel.isOpen();
        }
        counters.add(UdpCounters.DATAGRAMS_OUT, 1);
        counters.add(UdpCounters.BYTES_OUT, len);
        return true;
    }

    /** Epoll path: appends to the current batch, sending it first when the datagram does not fit. */
    private boolean batch(byte[] data, int off, int len, InetSocketAddress to) {
        if (!netty.isOpen()) {
            return false;
        }
        boolean fits = batch != null && gso && !batchClosed && len <= segmentSize && segments < MAX_SEGMENTS
                && batch.writerIndex() + len <= MAX_BATCH_BYTES && to.equals(batchTo);
        if (!fits) {
            sendBatch();
            batch = PooledByteBufAllocator.DEFAULT.directBuffer(gso ? MAX_BATCH_BYTES : len);
            batchTo = to;
            segmentSize = len;
        }
        batch.writeBytes(data, off, len);
        segments++;
        batchClosed = len < segmentSize; // a shorter datagram can only end a GSO batch
        UdpCounters counters = loop.counters();
        counters.add(UdpCounters.DATAGRAMS_OUT, 1);
        counters.add(UdpCounters.BYTES_OUT, len);
        return true;
    }

    private void sendBatch() {
        if (batch == null) {
            return;
        }
        Object msg = segments > 1 ? new SegmentedDatagramPacket(batch, segmentSize, batchTo)
                : new DatagramPacket(batch, batchTo);
        batch = null;
        segments = 0;
        batchClosed = false;
        netty.writeAndFlush(msg, netty.voidPromise()); // now: the peer works on it while we seal the next
    }

    private void releaseBatch() {
        if (batch != null) {
            batch.release();
            batch = null;
            segments = 0;
        }
    }

    /** Epoll path: sends the open batch and flushes the socket; notes when the socket is full. */
    void flushOut() {
        if (netty == null || !netty.isOpen()) {
            return;
        }
        sendBatch();
        if (!netty.isWritable() && !blocked) {
            blocked = true;
            loop.counters().add(UdpCounters.SEND_BLOCKED, 1);
        }
    }

    @Override
    public String toString() {
        return "UdpRegistration[" + localAddress + " " + options.mode() + "]";
    }
}
