package org.qdsr.quic.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.crypto.CipherSuite;
import org.qdsr.quic.endpoint.ConnectionHandler;
import org.qdsr.quic.sim.LinkConditions;
import org.qdsr.quic.sim.SimNode;
import org.qdsr.quic.tls.ClientTlsConfig;

/** Stream resets, STOP_SENDING, connection ID rotation, cipher suites and the anti-amplification limit. */
class ConnectionControlTest {
    private static final long SECOND = 1_000_000_000L;

    /** Records every event a server connection reports. */
    private static ConnectionHandler recorder(List<ConnectionEvent> events, QuicConnection[] holder) {
        return (c, now) -> {
            holder[0] = c;
            ConnectionEvent e;
            while ((e = c.pollEvent()) != null) {
                events.add(e);
            }
        };
    }

    @Test
    void resetStreamReachesThePeerWithItsCode() throws Exception {
        List<ConnectionEvent> serverEvents = new ArrayList<>();
        QuicConnection[] server = new QuicConnection[1];
        ConnectionConfig config = ConnectionConfig.defaults();
        try (SimPair pair = new SimPair(21, config, c -> recorder(serverEvents, server))) {
            pair.net.setDefaultConditions(LinkConditions.delay(5_000_000));
            long[] stream = {-1};
            QuicConnection client = pair.connect(pair.clientOptions(config), (c, now) -> {
                while (c.pollEvent() != null) {
                    // drain
                }
                if (c.isEstablished() && stream[0] < 0) {
                    stream[0] = c.openStream(true);
                    c.write(stream[0], new byte[100_000], 0, 100_000);
                }
            });
            pair.net.runUntil(() -> serverEvents.stream().anyMatch(e -> e instanceof ConnectionEvent.StreamOpened),
                    5 * SECOND);
            client.resetStream(stream[0], 7);
            pair.net.runUntil(() -> serverEvents.contains(new ConnectionEvent.StreamReset(stream[0], 7)), 5 * SECOND);
            assertThat(serverEvents).contains(new ConnectionEvent.StreamReset(stream[0], 7));
        }
    }

    @Test
    void stopSendingMakesThePeerResetItsStream() throws Exception {
        ConnectionConfig config = ConnectionConfig.defaults();
        List<ConnectionEvent> clientEvents = new ArrayList<>();
        try (SimPair pair = new SimPair(22, config, c -> (conn, now) -> {
            ConnectionEvent e;
            while ((e = conn.pollEvent()) != null) {
                if (e instanceof ConnectionEvent.StreamOpened o) {
                    conn.stopSending(o.streamId(), 9);
                }
            }
        })) {
            pair.net.setDefaultConditions(LinkConditions.delay(5_000_000));
            long[] stream = {-1};
            pair.connect(pair.clientOptions(config), (c, now) -> {
                ConnectionEvent e;
                while ((e = c.pollEvent()) != null) {
                    clientEvents.add(e);
                }
                if (c.isEstablished() && stream[0] < 0) {
                    stream[0] = c.openStream(true);
                    c.write(stream[0], new byte[10], 0, 10);
                }
            });
            pair.net.runUntil(() -> clientEvents.stream().anyMatch(e -> e instanceof ConnectionEvent.StopSending),
                    5 * SECOND);
            assertThat(clientEvents).contains(new ConnectionEvent.StopSending(0, 9));
        }
    }

    @Test
    void rotatedConnectionIdKeepsTheConnectionWorking() throws Exception {
        ConnectionConfig config = ConnectionConfig.defaults();
        try (SimPair pair = new SimPair(23, config, c -> SimPair.echo())) {
            pair.net.setDefaultConditions(LinkConditions.delay(5_000_000));
            EchoClient warmup = new EchoClient(new byte[10]);
            QuicConnection client = pair.connect(pair.clientOptions(config), warmup);
            pair.net.runUntil(() -> warmup.done, 5 * SECOND);
            pair.net.runFor(SECOND / 10);
            var before = client.peerConnectionId();
            assertThat(client.rotatePeerConnectionId()).isTrue();
            assertThat(client.peerConnectionId()).isNotEqualTo(before);
            long s = client.openStream(true);
            client.write(s, "after rotation".getBytes(), 0, 14);
            client.finish(s);
            byte[] buf = new byte[100];
            int[] got = {0};
            pair.net.runUntil(() -> {
                int n = client.read(s, buf, got[0], buf.length - got[0]);
                got[0] += Math.max(0, n);
                return n < 0;
            }, 5 * SECOND);
            assertThat(new String(buf, 0, got[0])).isEqualTo("after rotation");
        }
    }

    @Test
    void everyCipherSuiteCarriesData() throws Exception {
        for (CipherSuite suite : CipherSuite.values()) {
            ConnectionConfig config = ConnectionConfig.defaults();
            try (SimPair pair = new SimPair(24, config, c -> SimPair.echo())) {
                byte[] payload = new byte[200_000];
                new java.util.Random(suite.ordinal()).nextBytes(payload);
                EchoClient app = new EchoClient(payload);
                ClientOptions o = pair.clientOptions(config);
                o = new ClientOptions(o.config(), ClientTlsConfig.of("localhost", List.of("test")).withInsecure(true)
                        .withCipherSuites(List.of(suite)), o.server(), o.random(), null, null);
                QuicConnection client = pair.connect(o, app);
                pair.net.runUntil(() -> app.done, 10 * SECOND);
                assertThat(client.tls().cipherSuite()).isEqualTo(suite);
                assertThat(app.received.toByteArray()).isEqualTo(payload);
            }
        }
    }

    @Test
    void serverSendsAtMostThreeTimesWhatAnUnvalidatedClientSent() throws Exception {
        ConnectionConfig config = ConnectionConfig.defaults();
        try (SimPair pair = new SimPair(25, config, c -> SimPair.echo())) {
            pair.net.setDefaultConditions(LinkConditions.delay(5_000_000));
            pair.connect(pair.clientOptions(config), new EchoClient(new byte[1]));
            pair.net.runUntil(() -> pair.server.connectionCount() == 1, SECOND);
            // From now on the client is silent toward the server: its address is never validated.
            pair.net.setConditions(SimPair.CLIENT, SimPair.SERVER, LinkConditions.PERFECT.withLoss(1.0));
            pair.net.runFor(20 * SECOND);
            SimNode serverNode = pair.net.nodeAt(SimPair.SERVER);
            assertThat(serverNode.receivedBytes()).isPositive();
            assertThat(serverNode.sentBytes()).isPositive().isLessThanOrEqualTo(3 * serverNode.receivedBytes());
        }
    }
}
