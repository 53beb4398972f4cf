package org.qdsr.io;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import org.qdsr.quic.DatagramEndpoint;
import org.qdsr.quic.DatagramSink;

/**
 * One UDP socket registered with a {@link UdpEventLoop} and the endpoint it feeds. Also the
 * {@link DatagramSink} handed to the endpoint's {@code drainTransmit}: it sends with this socket,
 * and when the socket buffer is full it refuses (returns false) and waits for {@code OP_WRITE}.
 * All methods except {@link #localAddress()} and {@link #close()} run on the loop thread.
 */
public final class UdpRegistration implements DatagramSink, AutoCloseable {
    /** Datagrams read per readiness event before other sockets and timers get a turn. */
    static final int RECEIVE_BATCH = 64;

    private final UdpEventLoop loop;
    private final DatagramChannel channel;
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
        this.endpoint = endpoint;
        this.options = options;
        this.localAddress = (InetSocketAddress) channel.getLocalAddress();
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

    DatagramChannel channel() {
        return channel;
    }

    boolean canSend() {
        return options.mode().sends() && !blocked && channel.isOpen();
    }

    /** Reads up to {@link #RECEIVE_BATCH} datagrams into the loop's shared buffer and delivers them. */
    void receiveBatch(ByteBuffer rx, UdpCounters counters) {
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
            counters.add(UdpCounters.DATAGRAMS_IN, 1);
            counters.add(UdpCounters.BYTES_IN, len);
            try {
                endpoint.onDatagram(rx.array(), 0, len, (InetSocketAddress) from, now);
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

    @Override
    public String toString() {
        return "UdpRegistration[" + localAddress + " " + options.mode() + "]";
    }
}
