package org.qdsr.quic.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.sim.LinkConditions;

/**
 * The server endpoint drains only connections that something happened to (a datagram, a timer,
 * {@code poke}/{@code activate}), so state changed from outside (a load balancer's control
 * traffic) reaches the wire after {@code activate}, and a datagram for one connection does not
 * wake the applications of the others.
 */
class EndpointActivationTest {
    private static final long MS = 1_000_000;

    @Test
    void dataWrittenOutsideActivityLeavesAfterActivate() throws Exception {
        QuicConnection[] server = new QuicConnection[1];
        int[] activity = {0};
        try (SimPair pair = new SimPair(5, ConnectionConfig.defaults(), c -> (conn, now) -> {
            server[0] = conn;
            activity[0]++;
            while (conn.pollEvent() != null) {
                // drain
            }
        })) {
            pair.net.setDefaultConditions(LinkConditions.delay(5 * MS));
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            long[] stream = {-1};
            QuicConnection client = pair.connect(pair.clientOptions(ConnectionConfig.defaults()), (c, now) -> {
                while (c.pollEvent() != null) {
                    // drain
                }
                if (c.isEstablished() && stream[0] < 0) {
                    stream[0] = c.openStream(true);
                    c.write(stream[0], "x".getBytes(), 0, 1);
                }
                byte[] b = new byte[1024];
                int n;
                while (stream[0] >= 0 && (n = c.read(stream[0], b, 0, b.length)) > 0) {
                    received.write(b, 0, n);
                }
            });
            pair.net.runUntil(() -> stream[0] >= 0 && server[0] != null && server[0].openStreams() > 0, 2_000 * MS);
            pair.net.runFor(200 * MS); // everything acknowledged: the connection is idle
            int before = activity[0];
            server[0].write(stream[0], "late".getBytes(), 0, 4); // from outside the endpoint's callbacks
            pair.net.runFor(100 * MS);
            assertThat(received.size()).as("nothing leaves before activate").isZero();
            pair.server.activate(server[0], pair.net.now());
            pair.net.runUntil(() -> received.size() == 4, 1_000 * MS);
            assertThat(received.toString()).isEqualTo("late");
            assertThat(activity[0]).isGreaterThan(before);
            assertThat(client.isEstablished()).isTrue();
        }
    }
}
