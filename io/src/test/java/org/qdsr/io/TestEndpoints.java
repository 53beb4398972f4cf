package org.qdsr.io;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.qdsr.quic.DatagramEndpoint;
import org.qdsr.quic.DatagramSink;

/** Small endpoints for loop tests. State is confined to the loop thread unless noted. */
final class TestEndpoints {
    private TestEndpoints() {
    }

    /** Records sources and payloads; sends whatever {@link #queue} was given (call it on the loop). */
    static class Recorder implements DatagramEndpoint {
        final List<InetSocketAddress> sources = new ArrayList<>();
        final List<byte[]> payloads = new ArrayList<>();
        final ArrayDeque<Object[]> outbox = new ArrayDeque<>();

        void queue(byte[] data, InetSocketAddress to) {
            outbox.add(new Object[] {data, to});
        }

        @Override
        public void onDatagram(byte[] data, int off, int len, InetSocketAddress from, long now) {
            sources.add(from);
            byte[] copy = new byte[len];
            System.arraycopy(data, off, copy, 0, len);
            payloads.add(copy);
        }

        @Override
        public void drainTransmit(long now, DatagramSink sink) {
            Object[] d;
            while ((d = outbox.peek()) != null) {
                byte[] b = (byte[]) d[0];
                if (!sink.send(b, 0, b.length, (InetSocketAddress) d[1])) {
                    return;
                }
                outbox.poll();
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

    /** Echoes every datagram to its source and remembers which sequence numbers it saw. */
    static final class Echo extends Recorder {
        final BitSet seen = new BitSet();

        @Override
        public void onDatagram(byte[] data, int off, int len, InetSocketAddress from, long now) {
            seen.set(ByteBuffer.wrap(data, off, len).getInt());
            byte[] copy = new byte[len];
            System.arraycopy(data, off, copy, 0, len);
            queue(copy, from);
        }
    }

    /**
     * Sends {@code total} numbered datagrams to a peer that echoes them, with at most
     * {@code window} unanswered; resends the unanswered ones when nothing arrives for 200 ms.
     */
    static final class WindowedSender extends Recorder {
        private static final long RESEND_NANOS = 200_000_000L;
        final BitSet acked = new BitSet();
        final CountDownLatch done = new CountDownLatch(1);
        private final InetSocketAddress peer;
        private final int total;
        private final int window;
        private final byte[] buf = new byte[200];
        private int nextSeq;
        private int ackedCount;
        private int resendFrom = -1;
        private long deadline = Long.MAX_VALUE;
        long resends;

        WindowedSender(InetSocketAddress peer, int total, int window) {
            this.peer = peer;
            this.total = total;
            this.window = window;
        }

        @Override
        public void onDatagram(byte[] data, int off, int len, InetSocketAddress from, long now) {
            int seq = ByteBuffer.wrap(data, off, len).getInt();
            if (!acked.get(seq)) {
                acked.set(seq);
                ackedCount++;
            }
            deadline = now + RESEND_NANOS;
            if (ackedCount == total) {
                deadline = Long.MAX_VALUE;
                done.countDown();
            }
        }

        @Override
        public void drainTransmit(long now, DatagramSink sink) {
            while (resendFrom >= 0) {
                int seq = acked.nextClearBit(resendFrom);
                if (seq >= nextSeq) {
                    resendFrom = -1;
                } else if (send(sink, seq)) {
                    resendFrom = seq + 1;
                } else {
                    return;
                }
            }
            while (nextSeq < total && nextSeq - ackedCount < window && send(sink, nextSeq)) {
                nextSeq++;
                if (deadline == Long.MAX_VALUE) {
                    deadline = now + RESEND_NANOS;
                }
            }
        }

        private boolean send(DatagramSink sink, int seq) {
            ByteBuffer.wrap(buf).putInt(seq);
            return sink.send(buf, 0, buf.length, peer);
        }

        @Override
        public long nextDeadline() {
            return deadline;
        }

        @Override
        public void onDeadline(long now) {
            resends++;
            resendFrom = 0;
            deadline = now + RESEND_NANOS;
        }
    }
}
