package org.qdsr.quic.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.QuicException;
import org.qdsr.quic.path.ConnectionSnapshot;
import org.qdsr.quic.path.PathEvent;
import org.qdsr.quic.sim.LinkConditions;
import org.qdsr.quic.sim.SimNode;

/**
 * The core of QDSR's isolated mode in miniature: the server exports a stream's send side and a
 * path to another sender (via the snapshot's binary form), which sends the response straight to
 * the client from the server's address on its own path; the client's PATH_ACKs reach the server,
 * which forwards them to that sender.
 */
class PathHandoffTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void anotherSenderDeliversTheResponseOnItsOwnPath() throws Exception {
        byte[] body = new byte[2_000_000];
        new Random(42).nextBytes(body);
        ConnectionConfig serverConfig = ConnectionConfig.defaults().withPaths(4, false);
        ConnectionConfig clientConfig = ConnectionConfig.defaults().withPaths(4, true);
        PathSenderNode rs = new PathSenderNode();
        long[] handedStream = {-1};
        boolean[] streamDone = {false};
        try (SimPair pair = new SimPair(31, serverConfig, c -> (conn, now) -> {
            ConnectionEvent e;
            while ((e = conn.pollEvent()) != null) {
                if (e instanceof ConnectionEvent.StreamReadable r && handedStream[0] < 0) {
                    byte[] req = new byte[16];
                    if (conn.read(r.streamId(), req, 0, req.length) > 0 || conn.read(r.streamId(), req, 0, 0) < 0) {
                        handedStream[0] = r.streamId();
                        startSender(conn, r.streamId(), rs, body, now, pair());
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
            current = pair;
            pair.net.setDefaultConditions(LinkConditions.delay(10_000_000).withLoss(0.02).withReordering(0.02));
            SimNode rsNode = pair.net.attach("rs", rs, SimPair.SERVER);
            rs.afterActivity.add(() -> {
                if (rs.senders.isEmpty()) {
                    return;
                }
                PathEvent ev;
                while ((ev = rs.senders.get(0).pollEvent()) != null) {
                    if (ev instanceof PathEvent.StreamAcknowledged) {
                        streamDone[0] = true;
                    }
                }
            });
            OneRequestClient app = new OneRequestClient();
            QuicConnection client = pair.connect(pair.clientOptions(clientConfig), app);
            pair.net.runUntil(() -> app.finished() && streamDone[0], 60 * SECOND);

            assertThat(app.received.toByteArray()).isEqualTo(body);
            assertThat(streamDone[0]).as("sender saw everything acknowledged").isTrue();
            assertThat(client.packetsReceivedOnPaths()).isPositive();
            SimNode server = pair.net.nodeAt(SimPair.SERVER);
            assertThat(rsNode.sentBytes()).isGreaterThan(body.length);
            assertThat(server.sentBytes()).as("the server sends only handshake, ACKs and control")
                    .isLessThan(body.length / 20);
        }
    }

    /**
     * A sender that refuses a handoff before sending anything gives the stream back: the
     * connection owns it again (its credit returned) and sends the response itself, byte-exact.
     */
    @Test
    void aStreamTakenBackFromARefusedHandoffIsSentByTheConnection() throws Exception {
        byte[] body = new byte[300_000];
        new Random(43).nextBytes(body);
        int[] written = {-1};
        long[] stream = {-1};
        try (SimPair pair = new SimPair(32, ConnectionConfig.defaults().withPaths(4, false), c -> (conn, now) -> {
            ConnectionEvent e;
            while ((e = conn.pollEvent()) != null) {
                if (e instanceof ConnectionEvent.StreamReadable r && stream[0] < 0) {
                    stream[0] = r.streamId();
                    long creditBefore = conn.sendCredit();
                    ConnectionSnapshot exported = conn.exportPath(1, List.of(r.streamId()), 1 << 20);
                    assertThat(conn.sendCredit()).isLessThan(creditBefore);
                    conn.takeBackHandedOffStream(r.streamId());
                    conn.returnCredit(exported.connectionCredit());
                    assertThat(conn.sendCredit()).as("the export's credit is back").isEqualTo(creditBefore);
                    assertThatThrownBy(() -> conn.takeBackHandedOffStream(r.streamId()))
                            .isInstanceOf(IllegalStateException.class);
                    written[0] = 0;
                }
            }
            while (written[0] >= 0 && written[0] < body.length) {
                int n = conn.write(stream[0], body, written[0], body.length - written[0]);
                if (n <= 0) {
                    break;
                }
                written[0] += n;
                if (written[0] == body.length) {
                    conn.finish(stream[0]);
                }
            }
        })) {
            OneRequestClient app = new OneRequestClient();
            pair.connect(pair.clientOptions(ConnectionConfig.defaults().withPaths(4, true)), app);
            pair.net.runUntil(app::finished, 60 * SECOND);
            assertThat(app.received.toByteArray()).isEqualTo(body);
        }
    }

    private static SimPair current;

    private static SimPair pair() {
        return current;
    }

    private static void startSender(QuicConnection conn, long streamId, PathSenderNode rs, byte[] body, long now,
                                     SimPair pair) {
        ConnectionSnapshot exported = conn.exportPath(1, List.of(streamId), 8L << 20);
        assertThat(exported.toString()).doesNotContain(hex(exported.oneRttWriteSecret()));
        ConnectionSnapshot imported;
        try {
            imported = ConnectionSnapshot.decode(exported.encode());
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
        rs.start(imported, streamId, body, now);
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : ByteBuffer.wrap(b).array()) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }
}
