package org.qdsr.quic.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.sim.LinkConditions;

/** QDSR's use of draft-ietf-quic-multipath-21: negotiation and client-issued path connection IDs. */
class MultipathNegotiationTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void clientIssuesOneConnectionIdPerPathWhenBothSidesAnnounceMultipath() throws Exception {
        ConnectionConfig serverConfig = ConnectionConfig.defaults().withPaths(8, false);
        ConnectionConfig clientConfig = ConnectionConfig.defaults().withPaths(3, true);
        QuicConnection[] server = new QuicConnection[1];
        List<Long> announced = new ArrayList<>();
        try (SimPair pair = new SimPair(5, serverConfig, c -> {
            server[0] = c;
            return (conn, now) -> {
                ConnectionEvent e;
                while ((e = conn.pollEvent()) != null) {
                    if (e instanceof ConnectionEvent.PathAvailable p) {
                        announced.add(p.pathId());
                    }
                }
            };
        })) {
            pair.net.setDefaultConditions(LinkConditions.delay(5_000_000));
            EchoClient app = new EchoClient("x".getBytes());
            QuicConnection client = pair.connect(pair.clientOptions(clientConfig), app);
            pair.net.runUntil(() -> announced.size() == 3, 5 * SECOND);
            assertThat(client.multipathNegotiated()).isTrue();
            assertThat(server[0].serverPathsEnabled()).isTrue();
            assertThat(announced).containsExactly(1L, 2L, 3L);
            assertThat(server[0].availablePaths()).containsExactly(1L, 2L, 3L);
            for (long p = 1; p <= 3; p++) {
                assertThat(client.localConnectionIds()).contains(server[0].peerConnectionIdForPath(p));
            }
        }
    }

    @Test
    void withoutTheServersAnnouncementNoPathsAreIssued() throws Exception {
        ConnectionConfig clientConfig = ConnectionConfig.defaults().withPaths(3, true);
        QuicConnection[] server = new QuicConnection[1];
        try (SimPair pair = new SimPair(6, ConnectionConfig.defaults(), c -> {
            server[0] = c;
            return SimPair.echo();
        })) {
            EchoClient app = new EchoClient("hello".getBytes());
            QuicConnection client = pair.connect(pair.clientOptions(clientConfig), app);
            pair.net.runUntil(() -> app.done, 5 * SECOND);
            assertThat(app.received.toString()).isEqualTo("hello");
            assertThat(client.multipathNegotiated()).isFalse();
            assertThat(server[0].availablePaths()).isEmpty();
        }
    }
}
