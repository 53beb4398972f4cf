package org.qdsr.quic.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.path.PathEvent;
import org.qdsr.quic.sim.LinkConditions;

/**
 * ACK frequency in QDSR's isolated mode: the server hands a stream to another sender on path 1
 * and sends almost nothing itself, yet it asks the client for fewer ACKs from what the client
 * acknowledged on path 1 ({@link ExportedPathDelivery}), and the client applies the request to
 * path 1's packet-number space as well as path 0's.
 */
class AckFrequencyPathTest {
    private static final long SECOND = 1_000_000_000L;

    record Run(long clientDatagrams, long framesSent, boolean path1PolicyActive) {
    }

    private static Run isolated(ConnectionConfig clientConfig, byte[] body) throws Exception {
        ConnectionConfig serverConfig = ConnectionConfig.defaults().withPaths(4, false);
        PathSenderNode rs = new PathSenderNode();
        boolean[] streamDone = {false};
        QuicConnection[] server = new QuicConnection[1];
        try (SimPair pair = new SimPair(41, serverConfig, c -> (conn, now) -> {
            server[0] = conn;
            ConnectionEvent e;
            while ((e = conn.pollEvent()) != null) {
                if (e instanceof ConnectionEvent.StreamReadable r && rs.senders.isEmpty()) {
                    byte[] req = new byte[16];
                    if (conn.read(r.streamId(), req, 0, req.length) > 0 || conn.read(r.streamId(), req, 0, 0) < 0) {
                        rs.start(conn.exportPath(1, List.of(r.streamId()), 8L << 20), r.streamId(), body, now);
                    }
                } else if (e instanceof ConnectionEvent.PathAcknowledged a) {
                    try {
                        rs.senders.get(0).onAck(a.ranges(), a.ackDelay(), now);
                    } catch (QuicException ex) {
                        throw new AssertionError(ex);
                    }
                }
            }
        })) {
            pair.net.setDefaultConditions(LinkConditions.delay(5_000_000).withBandwidth(50_000_000, 1 << 20));
            pair.net.attach("rs", rs, SimPair.SERVER);
            rs.afterActivity.add(() -> {
                PathEvent ev;
                while (!rs.senders.isEmpty() && (ev = rs.senders.get(0).pollEvent()) != null) {
                    streamDone[0] |= ev instanceof PathEvent.StreamAcknowledged;
                }
            });
            OneRequestClient app = new OneRequestClient();
            QuicConnection client = pair.connect(pair.clientOptions(clientConfig), app);
            pair.net.runUntil(() -> app.finished() && streamDone[0], 120 * SECOND);
            assertThat(app.received.toByteArray()).isEqualTo(body);
            assertThat(streamDone[0]).isTrue();
            return new Run(pair.net.stats().sentDatagrams(SimPair.CLIENT), server[0].ackFrequencyFramesSent(),
                    client.multipath.tracker(1).peerPolicyActive());
        }
    }

    @Test
    void serverThatSendsNothingItselfStillCutsThePathAcks() throws Exception {
        byte[] body = new byte[4_000_000];
        new Random(7).nextBytes(body);
        ConnectionConfig client = ConnectionConfig.defaults().withPaths(4, true);
        Run on = isolated(client, body);
        Run off = isolated(client.withAckFrequency(null, true), body);
        assertThat(on.framesSent()).isPositive();
        assertThat(on.path1PolicyActive()).as("the request reaches path 1's space").isTrue();
        assertThat(off.framesSent()).isZero();
        assertThat(off.path1PolicyActive()).isFalse();
        assertThat(on.clientDatagrams()).isLessThan(off.clientDatagrams() / 2);
    }
}
