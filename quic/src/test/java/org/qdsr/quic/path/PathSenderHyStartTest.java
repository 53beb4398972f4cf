package org.qdsr.quic.path;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.qdsr.quic.DatagramEndpoint;
import org.qdsr.quic.DatagramSink;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.recovery.CongestionAlgorithm;
import org.qdsr.quic.sim.LinkConditions;
import org.qdsr.quic.sim.SimEvent;
import org.qdsr.quic.sim.SimNetwork;
import org.qdsr.quic.wire.AckRange;

/**
 * A real server's bulk response through a bottleneck with a deep buffer (the client's UDP receive
 * queue of QDSR's benchmarks), on the virtual network: HyStart++ (RFC 9406) leaves slow start when
 * the queue starts to build, plain slow start only when the buffer overflows. Compared on the
 * same seed: losses, the peak standing queue and the peak RTT; delivery must be byte-exact either way.
 */
class PathSenderHyStartTest {
    private static final long MS = PathSenderTest.MS;
    private static final int MDS = PathSenderTest.MDS;
    private static final InetSocketAddress RS = new InetSocketAddress("198.18.0.10", 443);
    private static final long BANDWIDTH = 6_250_000; // 50 Mbit/s
    private static final int QUEUE = 2_000_000; // 320 ms at the bottleneck rate: 16 BDPs of the 20 ms path
    private static final long ONE_WAY = 10 * MS;
    private static final int SIZE = 8 << 20;

    /** What one transfer did. */
    record Outcome(long queueDrops, long declaredLost, long peakQueueBytes, long peakRttNanos, long durationNanos) {
    }

    @ParameterizedTest
    @EnumSource(CongestionAlgorithm.class)
    void hyStartLosesFarLessAndQueuesLessThroughADeepBuffer(CongestionAlgorithm algorithm) throws Exception {
        Outcome plain = transfer(algorithm, false);
        Outcome hy = transfer(algorithm, true);
        System.out.printf("%s bottleneck 50 Mbit/s, 20 ms RTT, 2 MB queue, 8 MiB: plain %s; HyStart++ %s%n",
                algorithm, plain, hy);
        assertThat(plain.queueDrops()).as("plain slow start overflows the buffer").isGreaterThan(500);
        assertThat(hy.queueDrops()).as("HyStart++ drops").isLessThan(plain.queueDrops() / 10);
        assertThat(hy.declaredLost()).isLessThan(plain.declaredLost() / 10);
        assertThat(hy.peakQueueBytes()).isLessThan(plain.peakQueueBytes() * 3 / 4);
        assertThat(hy.peakRttNanos()).isLessThan(plain.peakRttNanos() * 3 / 4);
        assertThat(hy.durationNanos()).as("no slower on the virtual clock").isLessThan(plain.durationNanos() * 11 / 10);
    }

    private static Outcome transfer(CongestionAlgorithm algorithm, boolean hyStart) throws Exception {
        byte[] data = PathSenderTest.payload(SIZE);
        ConnectionSnapshot snap = PathSenderTest.snapshot(1L << 30, 1L << 30, 0);
        PathSender sender = PathSender.fromSnapshot(snap, algorithm.create(MDS, hyStart), SIZE);
        InetSocketAddress client = sender.destination();
        SimNetwork net = SimNetwork.seeded(5);
        Server server = new Server(sender, data, client);
        Client receiver = new Client(RS);
        net.attach(RS, server);
        net.attach(client, receiver);
        net.setConditions(RS, client, LinkConditions.delay(ONE_WAY).withBandwidth(BANDWIDTH, QUEUE));
        net.setConditions(client, RS, LinkConditions.delay(ONE_WAY));
        QueueProbe probe = new QueueProbe(client);
        net.addTap(probe);
        long duration = net.runUntil(() -> server.done, 120_000 * MS);
        assertThat(server.done).as("transfer completed").isTrue();
        assertThat(receiver.rx.finalSize(PathSenderTest.STREAM)).isEqualTo((long) SIZE);
        assertThat(receiver.rx.streamBytes(PathSenderTest.STREAM)).isEqualTo(data);
        return new Outcome(net.stats().queueDroppedDatagrams(), sender.packetsLost(),
                probe.peakQueueNanos * BANDWIDTH / 1_000_000_000L, server.peakRtt, duration);
    }

    /** The real server: writes the response as the stream buffer allows, takes ACK datagrams. */
    private static final class Server implements DatagramEndpoint {
        final PathSender sender;
        final byte[] data;
        final InetSocketAddress client;
        final byte[] out = new byte[1500];
        int written;
        boolean finished;
        boolean done;
        long peakRtt;

        Server(PathSender sender, byte[] data, InetSocketAddress client) {
            this.sender = sender;
            this.data = data;
            this.client = client;
        }

        @Override
        public void onDatagram(byte[] d, int off, int len, InetSocketAddress from, long now) {
            ByteBuffer b = ByteBuffer.wrap(d, off, len);
            int n = b.getInt();
            List<AckRange> ranges = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long hi = b.getLong();
                ranges.add(new AckRange(b.getLong(), hi));
            }
            try {
                sender.onAck(ranges, 0, now);
            } catch (QuicException e) {
                throw new AssertionError(e);
            }
            peakRtt = Math.max(peakRtt, sender.rtt().latestRtt());
            drainEvents();
        }

        @Override
        public void drainTransmit(long now, DatagramSink sink) {
            while (written < data.length) {
                int k = sender.write(PathSenderTest.STREAM, data, written, data.length - written);
                if (k == 0) {
                    break;
                }
                written += k;
            }
            if (written == data.length && !finished) {
                sender.finish(PathSenderTest.STREAM);
                finished = true;
            }
            int n;
            while ((n = sender.poll(out, now)) > 0) {
                sink.send(out, 0, n, client);
            }
            drainEvents();
        }

        private void drainEvents() {
            PathEvent e;
            while ((e = sender.pollEvent()) != null) {
                done |= e instanceof PathEvent.StreamAcknowledged a && a.streamId() == PathSenderTest.STREAM;
            }
        }

        @Override
        public long nextDeadline() {
            return sender.nextTimeout();
        }

        @Override
        public void onDeadline(long now) {
            sender.onTimeout(now);
        }
    }

    /** The client: opens every packet, ACKs every second one at once, a lone one after 5 ms. */
    private static final class Client implements DatagramEndpoint {
        final PathReceiver rx = new PathReceiver(PathSenderTest.SUITE, PathSenderTest.SECRET, PathSenderTest.DCID,
                PathSenderTest.PATH);
        final InetSocketAddress server;
        final BitSet received = new BitSet();
        int unacked;
        long ackDue = Long.MAX_VALUE;

        Client(InetSocketAddress server) {
            this.server = server;
        }

        @Override
        public void onDatagram(byte[] d, int off, int len, InetSocketAddress from, long now) {
            try {
                received.set((int) rx.receive(off == 0 ? d : Arrays.copyOfRange(d, off, off + len), len).pn());
            } catch (QuicException e) {
                throw new AssertionError(e);
            }
            unacked++;
            ackDue = unacked >= 2 ? now : Math.min(ackDue, now + 5 * MS);
        }

        @Override
        public void drainTransmit(long now, DatagramSink sink) {
            if (now < ackDue) {
                return;
            }
            List<AckRange> ranges = ackRanges();
            ByteBuffer b = ByteBuffer.allocate(4 + 16 * ranges.size());
            b.putInt(ranges.size());
            for (AckRange r : ranges) {
                b.putLong(r.largest()).putLong(r.smallest());
            }
            sink.send(b.array(), 0, b.position(), server);
            unacked = 0;
            ackDue = Long.MAX_VALUE;
        }

        /** Up to 32 ranges, largest first; everything below the first gap is one range down to 0. */
        private List<AckRange> ackRanges() {
            List<AckRange> out = new ArrayList<>();
            int hi = received.length() - 1;
            while (hi >= 0 && out.size() < 32) {
                int lo = received.previousClearBit(hi) + 1;
                out.add(new AckRange(lo, hi));
                hi = lo == 0 ? -1 : received.previousSetBit(lo - 1);
            }
            return out;
        }

        @Override
        public long nextDeadline() {
            return ackDue;
        }

        @Override
        public void onDeadline(long now) {
            // the ACK goes out in drainTransmit
        }
    }

    /** The bottleneck's queueing delay per datagram: delivery - sending - propagation - serialisation. */
    private static final class QueueProbe implements org.qdsr.quic.sim.DatagramTap {
        final InetSocketAddress client;
        final Map<byte[], Long> sentAt = new IdentityHashMap<>();
        long peakQueueNanos;

        QueueProbe(InetSocketAddress client) {
            this.client = client;
        }

        @Override
        public void observe(SimEvent e) {
            if (!e.to().equals(client)) {
                return;
            }
            switch (e.kind()) {
                case SENT -> sentAt.put(e.data(), e.time());
                case DELIVERED -> {
                    Long sent = sentAt.remove(e.data());
                    if (sent != null) {
                        long serialise = (e.data().length * 1_000_000_000L + BANDWIDTH - 1) / BANDWIDTH;
                        peakQueueNanos = Math.max(peakQueueNanos, e.time() - sent - ONE_WAY - serialise);
                    }
                }
                default -> sentAt.remove(e.data());
            }
        }
    }
}
