package org.qdsr.quic.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.DatagramEndpoint;
import org.qdsr.quic.DatagramSink;
import org.qdsr.quic.path.ConnectionSnapshot;
import org.qdsr.quic.path.InstructedSealer;
import org.qdsr.quic.path.SendInstruction;
import org.qdsr.quic.sim.LinkConditions;
import org.qdsr.quic.sim.SimNode;

/**
 * QDSR's instructed mode in miniature: an unmodified client (one packet-number space, no server
 * paths) talks to the server, which delegates a response stream to a holder node. The server
 * numbers and recovers every packet; the holder fills, seals and sends each instructed packet
 * from the server's address. Loss, reordering and unsendable instructions must all heal.
 */
class InstructedSendingTest {
    private static final long SECOND = 1_000_000_000L;

    /** The real server's part: body bytes, a sealer, a window of announced bytes. */
    private static final class Holder implements DatagramEndpoint {
        final byte[] body;
        final int window;
        QuicConnection lb;
        long streamId = -1;
        InstructedSealer sealer;
        ConnectionSnapshot firstKeys;
        long announced;
        long released;
        int sent;
        int refused;
        int keyUpdates;
        final List<Long> refusedPns = new ArrayList<>();
        private final byte[] buf = new byte[2048];
        private final Random random = new Random(7);

        Holder(byte[] body, int window) {
            this.body = body;
            this.window = window;
        }

        @Override
        public void onDatagram(byte[] data, int off, int len, InetSocketAddress from, long now) {
            throw new AssertionError("the holder never receives client packets");
        }

        @Override
        public void drainTransmit(long now, DatagramSink sink) {
            if (lb == null || streamId < 0) {
                return;
            }
            long[] rel = lb.takeRemoteReleases();
            for (int i = 0; i < rel.length; i += 2) {
                assertThat(rel[i]).isEqualTo(streamId);
                assertThat(rel[i + 1]).isGreaterThanOrEqualTo(released);
                released = rel[i + 1];
            }
            long ready = Math.min(body.length, released + window);
            if (ready > announced || (ready == body.length && announced < body.length)) {
                announced = ready;
                lb.remoteDataReady(streamId, ready, ready == body.length);
            }
            SendInstruction ins;
            while ((ins = lb.pollInstruction()) != null) {
                assertThat(ins.offset()).isGreaterThanOrEqualTo(released);
                assertThat(ins.offset() + ins.length()).isLessThanOrEqualTo(announced);
                if (random.nextInt(100) == 0) { // e.g. the RS was overloaded: the LB must resend the range
                    refused++;
                    refusedPns.add(ins.packetNumber());
                    lb.onInstructedNotSent(ins.packetNumber(), now);
                    continue;
                }
                if (ins.keyGeneration() > sealer.keyGeneration()) { // the LB's KeyUpdate message
                    var k = lb.writeKeys();
                    sealer.updateKeys(k.generation(), k.keyPhase(), k.secret());
                    keyUpdates++;
                }
                int n = sealer.seal(ins, body, (int) ins.offset(), buf);
                assertThat(n).isEqualTo(ins.datagramSize());
                sink.send(buf, 0, n, lb.destination());
                lb.onInstructedQueueing(ins.packetNumber(), 0, now);
                sent++;
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

    @Test
    void holderSendsEveryInstructedPacketAndTheClientGetsTheBodyExactly() throws Exception {
        Holder holder = run(ConnectionConfig.defaults(), 17);
        assertThat(holder.keyUpdates).isZero();
    }

    @Test
    void instructedPacketsFollowTheServersKeyUpdates() throws Exception {
        Holder holder = run(ConnectionConfig.defaults().withKeyUpdateInterval(300), 23);
        assertThat(holder.keyUpdates).as("several key updates during the body").isGreaterThan(1);
        // header protection keys do not change on key update (RFC 9001 §6): a later export
        // carries the generation-0 hp key
        ConnectionSnapshot later = holder.lb.exportInstructed();
        assertThat(later.keyGeneration()).isGreaterThan(1);
        assertThat(later.headerProtectionKey()).isEqualTo(holder.firstKeys.effectiveHeaderProtectionKey());
    }

    private static Holder run(ConnectionConfig serverConfig, long seed) throws Exception {
        byte[] body = new byte[1_500_000];
        new Random(3).nextBytes(body);
        Holder holder = new Holder(body, 256 * 1024);
        try (SimPair pair = new SimPair(seed, serverConfig, c -> (conn, now) -> {
            ConnectionEvent e;
            while ((e = conn.pollEvent()) != null) {
                if (e instanceof ConnectionEvent.StreamReadable r && holder.streamId < 0) {
                    byte[] req = new byte[16];
                    while (conn.read(r.streamId(), req, 0, req.length) > 0) {
                        // the request
                    }
                    conn.delegateStream(r.streamId());
                    ConnectionSnapshot keys = conn.exportInstructed();
                    holder.sealer = new InstructedSealer(keys);
                    holder.firstKeys = keys;
                    holder.lb = conn;
                    holder.streamId = r.streamId();
                }
            }
        })) {
            pair.net.setDefaultConditions(LinkConditions.delay(10_000_000).withLoss(0.02).withReordering(0.02));
            SimNode holderNode = pair.net.attach("holder", holder, SimPair.SERVER);
            OneRequestClient app = new OneRequestClient();
            QuicConnection client = pair.connect(pair.clientOptions(ConnectionConfig.defaults()), app);
            pair.net.runUntil(() -> app.finished() && holder.released == body.length, 120 * SECOND);

            assertThat(app.received.toByteArray()).isEqualTo(body);
            assertThat(holder.released).as("every byte acknowledged and released").isEqualTo(body.length);
            assertThat(holder.refused).as("some instructions were refused and healed").isPositive();
            assertThat(client.multipathNegotiated()).isFalse();
            QuicConnection server = holder.lb;
            assertThat(server.instructedPackets()).isEqualTo(holder.sent + holder.refused);
            SimNode serverNode = pair.net.nodeAt(SimPair.SERVER);
            assertThat(holderNode.sentBytes()).isGreaterThan(body.length);
            assertThat(serverNode.sentBytes()).as("the server sends no payload").isLessThan(body.length / 20);
            return holder;
        }
    }
}
