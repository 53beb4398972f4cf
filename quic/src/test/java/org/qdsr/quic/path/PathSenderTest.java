package org.qdsr.quic.path;
import org.qdsr.quic.recovery.CongestionAlgorithm;
import org.qdsr.quic.recovery.RttEstimator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.TransportError;
import org.qdsr.quic.crypto.CipherSuite;
import org.qdsr.quic.crypto.PacketProtection;
import org.qdsr.quic.wire.AckRange;
import org.qdsr.quic.wire.ConnectionId;
import org.qdsr.quic.wire.Frame;
import org.qdsr.quic.wire.PingFrame;
import org.qdsr.quic.wire.ResetStreamFrame;
import org.qdsr.quic.wire.StreamFrame;

class PathSenderTest {
    static final CipherSuite SUITE = CipherSuite.TLS_AES_128_GCM_SHA256;
    static final byte[] SECRET = ConnectionSnapshotTest.SECRET;
    static final ConnectionId DCID = ConnectionId.of(new byte[] {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, (byte) 0x88});
    static final long PATH = 5;
    static final long STREAM = 0;
    static final long MS = 1_000_000L;
    static final int MDS = 1200;

    static ConnectionSnapshot snapshot(long credit, long maxStreamData, long nextPn) throws Exception {
        ConnectionSnapshot s = ConnectionSnapshot.initial(SUITE, SECRET, false, DCID, PATH,
                new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 51000), MDS, 25 * MS, 3, credit,
                List.of(ConnectionSnapshot.StreamSnapshot.fresh(STREAM, maxStreamData)));
        return new ConnectionSnapshot(1, s.suite(), SECRET, null, false, 0, DCID, PATH, s.peerAddress(), MDS,
                25 * MS, 3, nextPn, null, credit, 0, s.streams());
    }

    static byte[] payload(int n) {
        byte[] b = new byte[n];
        new Random(99).nextBytes(b);
        return b;
    }

    /** A lossy, delaying network between a sender, a {@link PathReceiver} and the PATH_ACKs back. */
    static final class Sim {
        final PathReceiver rx = new PathReceiver(SUITE, SECRET, DCID, PATH);
        final Random rnd = new Random(7);
        final ArrayDeque<long[]> acksDue = new ArrayDeque<>(); // {time}
        final ArrayDeque<Object[]> inFlight = new ArrayDeque<>(); // {time, byte[]}
        final List<PathEvent> events = new ArrayList<>();
        final byte[] data;
        final double loss;
        PathSender sender;
        long now;
        int written;
        boolean finished;

        Sim(PathSender sender, byte[] data, double loss) {
            this.sender = sender;
            this.data = data;
            this.loss = loss;
        }

        /** Runs until StreamAcknowledged or {@code steps}; returns whether the stream completed. */
        boolean run(int steps) throws QuicException {
            for (int i = 0; i < steps; i++) {
                if (step()) {
                    return true;
                }
            }
            return false;
        }

        boolean step() throws QuicException {
            feed();
            byte[] out = new byte[1500];
            int n;
            while ((n = sender.poll(out, now)) > 0) {
                assertThat(sender.bytesInFlight()).isLessThanOrEqualTo(
                        Math.max(sender.congestionWindow(), 0) + MDS * 2L);
                if (rnd.nextDouble() >= loss) {
                    inFlight.add(new Object[] {now + 10 * MS, java.util.Arrays.copyOf(out, n)});
                }
            }
            long next = Math.min(sender.nextTimeout(), nextNetworkEvent());
            if (next == Long.MAX_VALUE) {
                return drainEvents();
            }
            now = Math.max(now, next);
            deliver();
            if (now >= sender.nextTimeout()) {
                sender.onTimeout(now);
            }
            return drainEvents();
        }

        void feed() {
            while (written < data.length) {
                int k = sender.write(STREAM, data, written, Math.min(64 * 1024, data.length - written));
                if (k == 0) {
                    break;
                }
                written += k;
            }
            if (written == data.length && !finished) {
                sender.finish(STREAM);
                finished = true;
            }
        }

        long nextNetworkEvent() {
            long t = Long.MAX_VALUE;
            if (!inFlight.isEmpty()) {
                t = (long) inFlight.peek()[0];
            }
            if (!acksDue.isEmpty()) {
                t = Math.min(t, acksDue.peek()[0]);
            }
            return t;
        }

        void deliver() throws QuicException {
            while (!inFlight.isEmpty() && (long) inFlight.peek()[0] <= now) {
                byte[] d = (byte[]) inFlight.poll()[1];
                rx.receive(d, d.length);
                acksDue.add(new long[] {now + 10 * MS});
            }
            while (!acksDue.isEmpty() && acksDue.peek()[0] <= now) {
                acksDue.poll();
                sender.onAck(rx.ackRanges(64), 0, now);
            }
        }

        boolean drainEvents() {
            boolean done = false;
            PathEvent e;
            while ((e = sender.pollEvent()) != null) {
                events.add(e);
                done |= e instanceof PathEvent.StreamAcknowledged a && a.streamId() == STREAM;
            }
            return done;
        }
    }

    @Test
    void everyPacketOpensWithPathNonceCarriesDcidAndKeyPhase() throws Exception {
        PathSender s = PathSender.fromSnapshot(snapshot(1 << 20, 1 << 20, 0), CongestionAlgorithm.CUBIC);
        assertThat(s.write(STREAM, payload(5000), 0, 5000)).isEqualTo(5000);
        s.finish(STREAM);
        PathReceiver rx = new PathReceiver(SUITE, SECRET, DCID, PATH);
        byte[] out = new byte[1500];
        int n;
        long expectedPn = 0;
        while ((n = s.poll(out, 0)) > 0) {
            assertThat(n).isLessThanOrEqualTo(MDS);
            PathReceiver.Packet p = rx.receive(out, n); // asserts: path 0 fails, path 5 opens
            assertThat(p.keyPhase()).isFalse();
            assertThat(p.pn()).isEqualTo(expectedPn++);
            assertThat(p.dcid()).isEqualTo(DCID);
            assertThat(p.frames()).allMatch(f -> f instanceof StreamFrame);
        }
        assertThat(rx.streamBytes(STREAM)).isEqualTo(payload(5000));
        assertThat(rx.finalSize(STREAM)).isEqualTo(5000L);
        assertThat(s.packetsSent()).isEqualTo(expectedPn);
        assertThat(s.destination().getPort()).isEqualTo(51000);
    }

    @Test
    void transfersOneMegabyteOverLossyPath() throws Exception {
        byte[] data = payload(1 << 20);
        PathSender s = PathSender.fromSnapshot(snapshot(1 << 22, 1 << 22, 0), CongestionAlgorithm.CUBIC);
        Sim sim = new Sim(s, data, 0.10);
        assertThat(sim.run(200_000)).isTrue();
        assertThat(sim.rx.streamBytes(STREAM)).isEqualTo(data);
        assertThat(sim.rx.finalSize(STREAM)).isEqualTo((long) data.length);
        assertThat(s.packetsLost()).isGreaterThan(0);
        assertThat(s.streamCount()).isZero();
        assertThat(s.bytesInFlight()).isZero();
        assertThat(s.bytesSent()).isGreaterThan(data.length);
    }

    @Test
    void congestionWindowLimitsBytesInFlight() throws Exception {
        PathSender s = PathSender.fromSnapshot(snapshot(1 << 22, 1 << 22, 0), CongestionAlgorithm.NEW_RENO);
        s.write(STREAM, payload(200_000), 0, 200_000);
        byte[] out = new byte[1500];
        long now = 0;
        int sent = 0;
        for (int i = 0; i < 1000; i++) {
            int n = s.poll(out, now);
            if (n > 0) {
                sent++;
                assertThat(s.bytesInFlight()).isLessThanOrEqualTo(s.congestionWindow());
                continue;
            }
            if (s.bytesInFlight() + MDS > s.congestionWindow()) {
                break; // blocked by the window, not by the pacer
            }
            now = s.nextTimeout(); // pacing deadline
        }
        long cwnd = s.congestionWindow();
        assertThat(cwnd).isEqualTo(12_000);
        assertThat(s.bytesInFlight()).isGreaterThan(cwnd - MDS).isLessThanOrEqualTo(cwnd);
        assertThat(s.poll(out, now)).isZero();
        assertThat(now).isLessThan(s.nextTimeout()); // nothing due before the PTO
        s.onAck(List.of(new AckRange(0, sent - 1)), 0, now + 50 * MS);
        assertThat(s.bytesInFlight()).isZero();
        assertThat(s.congestionWindow()).isGreaterThan(cwnd); // slow start grew it
        assertThat(s.poll(out, now + 50 * MS)).isPositive();
    }

    @Test
    void ptoSendsProbeWhenAcksStop() throws Exception {
        PathSender s = PathSender.fromSnapshot(snapshot(1 << 20, 1 << 20, 0), CongestionAlgorithm.CUBIC);
        s.write(STREAM, payload(3000), 0, 3000);
        s.finish(STREAM);
        byte[] out = new byte[1500];
        int packets = 0;
        while (s.poll(out, 0) > 0) {
            packets++;
        }
        assertThat(packets).isEqualTo(3);
        long pto = s.nextTimeout();
        assertThat(pto).isGreaterThan(0).isLessThan(Long.MAX_VALUE);
        assertThat(s.poll(out, pto - 1)).isZero();
        s.onTimeout(pto);
        PathReceiver rx = new PathReceiver(SUITE, SECRET, DCID, PATH);
        int n = s.poll(out, pto);
        assertThat(n).isPositive();
        PathReceiver.Packet probe = rx.receive(out, n);
        assertThat(probe.pn()).isEqualTo(3);
        assertThat(probe.frames()).contains(PingFrame.INSTANCE);
        assertThat(s.poll(out, pto)).isPositive(); // two probes (RFC 9002 §6.2.4)
        assertThat(s.poll(out, pto)).isZero();
        assertThat(s.nextTimeout()).isGreaterThan(pto + (pto - 0)); // backed off
    }

    /**
     * draft-ietf-quic-multipath-21 §5.1 (an RTT estimate per path), RFC 9002 §6.2.2 and §5.3: the
     * exporter's recent RTT is the path's initial RTT, and the path's first sample replaces it.
     */
    @Test
    void importedRttIsOnlyTheInitialEstimate() throws Exception {
        ConnectionSnapshot base = snapshot(1 << 20, 1 << 20, 0);
        RttEstimator stale = new RttEstimator();
        stale.update(500 * MS, 0, true, 0);
        stale.update(50 * MS, 0, true, 0); // smoothed 443.75 ms, latest 50 ms
        ConnectionSnapshot s = new ConnectionSnapshot(1, base.suite(), SECRET, null, false, 0, DCID, PATH,
                base.peerAddress(), MDS, 25 * MS, 3, 0, stale.exportState(), 1 << 20, 0, base.streams());
        PathSender sender = PathSender.fromSnapshot(s, CongestionAlgorithm.CUBIC);
        assertThat(sender.rtt().hasSample()).isFalse();
        assertThat(sender.rtt().smoothedRtt()).isEqualTo(50 * MS);
        assertThat(sender.rtt().minRtt()).isZero();
        Sim sim = new Sim(sender, payload(100_000), 0);
        assertThat(sim.run(100_000)).isTrue();
        assertThat(sender.rtt().hasSample()).isTrue();
        assertThat(sender.rtt().minRtt()).as("the path's own samples").isLessThan(50 * MS);
    }

    @Test
    void exportMidTransferAndContinueElsewhere() throws Exception {
        byte[] data = payload(600_000);
        PathSender first = PathSender.fromSnapshot(snapshot(1 << 22, 1 << 22, 100), CongestionAlgorithm.CUBIC);
        Sim sim = new Sim(first, data, 0.05);
        while (sim.rx.streamBytes(STREAM).length < 200_000) {
            assertThat(sim.step()).isFalse();
        }
        assertThat(sim.rx.hasReceived(99)).isFalse();
        ConnectionSnapshot exported = ConnectionSnapshot.decode(first.exportSnapshot().encode());
        assertThat(exported.nextPacketNumber()).isEqualTo(first.nextPacketNumber());
        assertThat(exported.rtt().hasSample()).isTrue();
        assertThat(exported.streams()).hasSize(1);
        assertThat(exported.streams().get(0).send().writtenOffset()).isEqualTo(sim.written);
        PathSender second = PathSender.fromSnapshot(exported, CongestionAlgorithm.CUBIC);
        sim.sender = second; // old datagrams and their acks still arrive: acks go to the new sender
        assertThat(sim.run(200_000)).isTrue();
        assertThat(sim.rx.streamBytes(STREAM)).isEqualTo(data);
        assertThat(sim.rx.finalSize(STREAM)).isEqualTo((long) data.length);
        assertThat(second.nextPacketNumber()).isGreaterThan(exported.nextPacketNumber());
    }

    @Test
    void keyUpdateSwitchesKeysAndPhase() throws Exception {
        PathSender s = PathSender.fromSnapshot(snapshot(1 << 20, 1 << 20, 0), CongestionAlgorithm.CUBIC);
        s.write(STREAM, payload(20_000), 0, 20_000);
        PathReceiver rx = new PathReceiver(SUITE, SECRET, DCID, PATH);
        byte[] out = new byte[1500];
        int n = s.poll(out, 0);
        rx.receive(out, n);
        assertThat(rx.lastGeneration).isZero();
        PacketProtection next = PacketProtection.fromSecret(SUITE, SECRET).nextGeneration();
        s.onKeyUpdate(next.secret(), true);
        assertThat(s.keyPhase()).isTrue();
        for (int i = 0; i < 3; i++) {
            n = s.poll(out, 0);
            PathReceiver.Packet p = rx.receive(out, n);
            assertThat(p.keyPhase()).isTrue();
            assertThat(rx.lastGeneration).isEqualTo(1); // generation 0 failed to open it
        }
        ConnectionSnapshot exported = s.exportSnapshot();
        assertThat(exported.keyGeneration()).isEqualTo(1);
        assertThat(exported.oneRttWriteSecret()).isEqualTo(next.secret());
        PathSender moved = PathSender.fromSnapshot(ConnectionSnapshot.decode(exported.encode()),
                CongestionAlgorithm.CUBIC);
        n = moved.poll(out, 0);
        PathReceiver.Packet p = rx.receive(out, n);
        assertThat(p.keyPhase()).isTrue();
        assertThat(rx.lastGeneration).isEqualTo(1);
    }

    @Test
    void ackOfUnsentPacketIsProtocolViolation() throws Exception {
        PathSender s = PathSender.fromSnapshot(snapshot(1 << 20, 1 << 20, 10), CongestionAlgorithm.CUBIC);
        s.write(STREAM, payload(100), 0, 100);
        byte[] out = new byte[1500];
        s.poll(out, 0);
        assertThatThrownBy(() -> s.onAck(List.of(new AckRange(10, 11)), 0, MS))
                .isInstanceOfSatisfying(QuicException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(TransportError.PROTOCOL_VIOLATION.code());
                    assertThat(e.frameType()).isEqualTo(0x3e);
                });
        s.onAck(List.of(new AckRange(0, 9)), 0, MS); // a previous owner's packets: ignored
        assertThat(s.bytesInFlight()).isPositive();
        s.onAck(List.of(new AckRange(5, 10)), 0, MS);
        assertThat(s.bytesInFlight()).isZero();
    }

    @Test
    void creditLimitsNewDataAndReportsBlocked() throws Exception {
        PathSender s = PathSender.fromSnapshot(snapshot(3000, 1 << 20, 0), CongestionAlgorithm.CUBIC);
        s.write(STREAM, payload(10_000), 0, 10_000);
        PathReceiver rx = new PathReceiver(SUITE, SECRET, DCID, PATH);
        byte[] out = new byte[1500];
        int n;
        while ((n = s.poll(out, 0)) > 0) {
            rx.receive(out, n);
        }
        assertThat(rx.streamBytes(STREAM)).hasSize(3000);
        assertThat(s.pollEvent()).isEqualTo(new PathEvent.CreditBlocked(3000));
        assertThat(s.pollEvent()).isNull();
        s.addCredit(2000);
        while ((n = s.poll(out, 0)) > 0) {
            rx.receive(out, n);
        }
        assertThat(rx.streamBytes(STREAM)).hasSize(5000);
        assertThat(s.credit()).isZero();
    }

    @Test
    void stopSendingResetsStreamUntilAcknowledged() throws Exception {
        PathSender s = PathSender.fromSnapshot(snapshot(1 << 20, 1 << 20, 0), CongestionAlgorithm.CUBIC);
        s.write(STREAM, payload(2000), 0, 2000);
        byte[] out = new byte[1500];
        PathReceiver rx = new PathReceiver(SUITE, SECRET, DCID, PATH);
        rx.receive(out, s.poll(out, 0));
        s.onStopSending(STREAM, 0x10c);
        int n = s.poll(out, 0);
        PathReceiver.Packet p = rx.receive(out, n);
        assertThat(p.frames()).containsExactly((Frame) new ResetStreamFrame(STREAM, 0x10c,
                rx.streamBytes(STREAM).length));
        assertThat(s.poll(out, 0)).isZero(); // no more stream data after the reset
        s.onAck(List.of(new AckRange(1, 1)), 0, MS);
        assertThat(s.pollEvent()).isEqualTo(new PathEvent.StreamResetAcknowledged(STREAM, 0x10c));
        assertThat(s.hasStream(STREAM)).isFalse();
        assertThat(s.exportSnapshot().streams()).isEmpty();
    }

    @Test
    void shortWriteReportsWritableAfterAcks() throws Exception {
        ConnectionSnapshot snap = snapshot(1 << 20, 1 << 20, 0);
        PathSender s = PathSender.fromSnapshot(snap, CongestionAlgorithm.CUBIC.create(MDS), 4000);
        assertThat(s.write(STREAM, payload(10_000), 0, 10_000)).isEqualTo(4000);
        byte[] out = new byte[1500];
        int packets = 0;
        while (s.poll(out, 0) > 0) {
            packets++;
        }
        assertThat(s.pollEvent()).isNull();
        s.onAck(List.of(new AckRange(0, packets - 1)), 0, 30 * MS);
        assertThat(s.pollEvent()).isEqualTo(new PathEvent.StreamWritable(STREAM));
        assertThat(s.writableBytes(STREAM)).isEqualTo(4000);
    }

    @Test
    void addedStreamsShareThePathRoundRobin() throws Exception {
        PathSender s = PathSender.fromSnapshot(snapshot(1 << 20, 1 << 20, 0), CongestionAlgorithm.CUBIC);
        s.addStream(ConnectionSnapshot.StreamSnapshot.fresh(4, 1 << 20));
        assertThatThrownBy(() -> s.addStream(ConnectionSnapshot.StreamSnapshot.fresh(4, 1)))
                .isInstanceOf(IllegalArgumentException.class);
        s.write(STREAM, payload(3000), 0, 3000);
        s.write(4, payload(3000), 0, 3000);
        s.finish(STREAM);
        s.finish(4);
        PathReceiver rx = new PathReceiver(SUITE, SECRET, DCID, PATH);
        byte[] out = new byte[1500];
        int n = s.poll(out, 0);
        List<Long> firstTwo = new ArrayList<>();
        firstTwo.add(((StreamFrame) rx.receive(out, n).frames().get(0)).streamId());
        n = s.poll(out, 0);
        firstTwo.add(((StreamFrame) rx.receive(out, n).frames().get(0)).streamId());
        assertThat(firstTwo).containsExactlyInAnyOrder(STREAM, 4L);
        int packets = 2;
        while ((n = s.poll(out, 0)) > 0) {
            rx.receive(out, n);
            packets++;
        }
        assertThat(rx.streamBytes(STREAM)).isEqualTo(payload(3000));
        assertThat(rx.streamBytes(4)).isEqualTo(payload(3000));
        s.onAck(List.of(new AckRange(0, packets - 1)), 0, 40 * MS);
        List<PathEvent> events = new ArrayList<>();
        for (PathEvent e; (e = s.pollEvent()) != null;) {
            events.add(e);
        }
        assertThat(events).containsExactlyInAnyOrder(new PathEvent.StreamAcknowledged(STREAM),
                new PathEvent.StreamAcknowledged(4));
        assertThat(s.streamCount()).isZero();
    }

    @Test
    void asksForAKeyUpdateAtThreeQuartersOfTheLimitAndAgainUntilItHappens() {
        long limit = 1L << 23; // AES-GCM (RFC 9001 §6.6)
        long threshold = limit / 4 * 3;
        assertThat(PathSender.keyUpdateDue(threshold - 1, limit)).isFalse();
        assertThat(PathSender.keyUpdateDue(threshold, limit)).isTrue();
        assertThat(PathSender.keyUpdateDue(threshold + 1, limit)).isFalse();
        assertThat(PathSender.keyUpdateDue(threshold + limit / 64, limit)).isTrue();
    }
}
