package org.qdsr.quic.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.qdsr.quic.sim.LinkConditions;

class ConnectionTest {
    private static final long SECOND = 1_000_000_000L;

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void handshakeAndEcho() throws Exception {
        ConnectionConfig config = ConnectionConfig.defaults();
        try (SimPair pair = new SimPair(1, config, c -> SimPair.echo())) {
            pair.net.setDefaultConditions(LinkConditions.delay(10_000_000));
            byte[] payload = "hello, QUIC".getBytes();
            EchoClient app = new EchoClient(payload);
            QuicConnection c = pair.connect(pair.clientOptions(config), app);
            pair.net.runUntil(() -> app.done, 10 * SECOND);
            assertThat(app.handshakeDone).isTrue();
            assertThat(app.received.toByteArray()).isEqualTo(payload);
            assertThat(c.alpn()).isEqualTo("test");
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.05, 0.20})
    void transfersTenMegabytesByteExactUnderLoss(double loss) throws Exception {
        ConnectionConfig config = ConnectionConfig.defaults();
        try (SimPair pair = new SimPair(7, config, c -> SimPair.echo())) {
            pair.net.setDefaultConditions(LinkConditions.delay(5_000_000).withLoss(loss).withReordering(0.02));
            byte[] payload = randomBytes(10 << 20, 3);
            EchoClient app = new EchoClient(payload);
            pair.connect(pair.clientOptions(config), app);
            pair.net.runUntil(() -> app.done || app.closed != null, 600 * SECOND);
            assertThat(app.closed).isNull();
            assertThat(app.done).isTrue();
            assertThat(app.received.toByteArray()).isEqualTo(payload);
        }
    }
}
