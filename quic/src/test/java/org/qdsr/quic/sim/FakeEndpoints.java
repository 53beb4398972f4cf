package org.qdsr.quic.sim;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.qdsr.quic.DatagramEndpoint;
import org.qdsr.quic.DatagramSink;

/** Trivial endpoints for driving {@link SimNetwork} in tests. */
final class FakeEndpoints {
    private FakeEndpoints() {
    }

    static InetSocketAddress addr(String host, int port) {
        return new InetSocketAddress(host, port);
    }

    /** A datagram as seen by a receiver. */
    record Received(long time, InetSocketAddress from, byte[] data) {
        int seq() {
            return ByteBuffer.wrap(data).getInt();
        }
    }

    /** Records everything it receives; sends whatever is queued with {@link #queue}. */
    static class Recorder implements DatagramEndpoint {
        final List<Received> received = new ArrayList<>();
        private final ArrayDeque<Object[]> outbox = new ArrayDeque<>();

        void queue(byte[] data, InetSocketAddress to) {
            outbox.add(new Object[] {data, to});
        }

        List<Integer> seqs() {
            return received.stream().map(Received::seq).toList();
        }

        @Override
        public void onDatagram(byte[] data, int off, int len, InetSocketAddress from, long now) {
            received.add(new Received(now, from, Arrays.copyOfRange(data, off, off + len)));
        }

        @Override
        public void drainTransmit(long now, DatagramSink sink) {
            Object[] d;
            while ((d = outbox.poll()) != null) {
                byte[] b = (byte[]) d[0];
                if (!sink.send(b, 0, b.length, (InetSocketAddress) d[1])) {
                    return;
                }
            }
        }

        @Override
        public long nextDeadline() {
            return Long.MAX_VALUE;
        }

        @Override
        public void onDeadline(long now) {
        }
    }

    /** Echoes every datagram back to its source. */
    static final class Echo extends Recorder {
        @Override
        public void onDatagram(byte[] data, int off, int len, InetSocketAddress from, long now) {
            super.onDatagram(data, off, len, from, now);
            queue(Arrays.copyOfRange(data, off, off + len), from);
        }
    }

    /**
     * Sends {@code count} datagrams of {@code size} bytes (a 4-byte sequence number first) to one
     * destination: all at once when {@code intervalNanos} is 0, otherwise one per interval using
     * its deadline.
     */
    static final class CountingSender extends Recorder {
        private final InetSocketAddress to;
        private final int count;
        private final int size;
        private final long intervalNanos;
        private int sent;
        private long deadline;
        private boolean due = true;

        CountingSender(InetSocketAddress to, int count, int size, long intervalNanos) {
            this.to = to;
            this.count = count;
            this.size = size;
            this.intervalNanos = intervalNanos;
            this.deadline = intervalNanos == 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }

        int sent() {
            return sent;
        }

        @Override
        public void drainTransmit(long now, DatagramSink sink) {
            super.drainTransmit(now, sink);
            byte[] buf = new byte[size];
            while (sent < count && due) {
                ByteBuffer.wrap(buf).putInt(sent);
                if (!sink.send(buf, 0, size, to)) {
                    return;
                }
                sent++;
                if (intervalNanos > 0) {
                    due = false;
                    deadline = sent < count ? now + intervalNanos : Long.MAX_VALUE;
                }
            }
        }

        @Override
        public long nextDeadline() {
            return deadline;
        }

        @Override
        public void onDeadline(long now) {
            due = true;
            deadline = Long.MAX_VALUE;
        }
    }
}
