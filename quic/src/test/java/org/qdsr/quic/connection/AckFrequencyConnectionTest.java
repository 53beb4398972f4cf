package org.qdsr.quic.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.qdsr.quic.sim.LinkConditions;

/** draft-ietf-quic-ack-frequency-14 end to end: a download on the virtual network, extension on and off. */
class AckFrequencyConnectionTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int SIZE = 5 << 20;
    /** A 50 MB/s bottleneck spaces the data packets out, as a real link does. */
    private static final LinkConditions LINK = LinkConditions.delay(5_000_000).withBandwidth(50_000_000, 1 << 20);

    /** What one download showed. */
    record Run(long clientDatagrams, long framesSent, long framesApplied, long serverLost, long serverSpurious,
               boolean clientPolicyActive, long virtualNanos) {
    }

    private static byte[] body() {
        byte[] b = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            b[i] = (byte) (i * 31 + (i >>> 11));
        }
        return b;
    }

    static Run download(ConnectionConfig client, ConnectionConfig server, LinkConditions link, long seed)
            throws Exception {
        QuicConnection[] serverConn = new QuicConnection[1];
        try (SimPair pair = new SimPair(seed, server, c -> {
            serverConn[0] = c;
            return BulkResponder.answering(body());
        })) {
            pair.net.setDefaultConditions(link);
            EchoClient app = new EchoClient("GET".getBytes());
            QuicConnection c = pair.connect(pair.clientOptions(client), app);
            long start = pair.net.now();
            pair.net.runUntil(() -> app.done || app.closed != null, 300 * SECOND);
            assertThat(app.closed).isNull();
            assertThat(app.done).isTrue();
            assertThat(app.received.toByteArray()).isEqualTo(body());
            QuicConnection s = serverConn[0];
            return new Run(pair.net.stats().sentDatagrams(SimPair.CLIENT), s.ackFrequencyFramesSent(),
                    c.ackFrequencyFramesApplied(), s.packetsLost(), s.spuriousLosses(),
                    c.spaces[QuicConnection.APPLICATION].received.peerPolicyActive(), pair.net.now() - start);
        }
    }

    @Test
    void serverAsksForFewerAcksOnceTheWindowGrows() throws Exception {
        ConnectionConfig server = ConnectionConfig.defaults();
        Run on = download(ConnectionConfig.defaults(), server, LINK, 11);
        Run off = download(ConnectionConfig.defaults().withAckFrequency(null, true), server, LINK, 11);

        assertThat(on.framesSent()).isPositive();
        assertThat(on.framesApplied()).isEqualTo(on.framesSent()); // no loss: every frame arrives, in order
        assertThat(on.clientPolicyActive()).isTrue();
        assertThat(off.framesSent()).as("a client without min_ack_delay never gets ACK_FREQUENCY").isZero();
        assertThat(off.framesApplied()).isZero();
        assertThat(off.clientPolicyActive()).isFalse();
        // the default client decimates (every 10th packet); the extension must still cut ACKs clearly
        assertThat(on.clientDatagrams()).isLessThan(off.clientDatagrams() / 2);
        // the bottleneck's buffer overflows in slow start either way; no more losses, none spurious
        assertThat(on.serverLost()).isLessThan(off.serverLost() * 5 / 4 + 20);
        assertThat(on.serverSpurious()).isZero();
        assertThat(on.virtualNanos()).as("goodput holds (virtual time)").isLessThan(off.virtualNanos() * 11 / 10);
    }

    @Test
    void withoutDecimationTheCutIsLarger() throws Exception {
        ConnectionConfig plain = ConnectionConfig.defaults().withAckDecimation(ConnectionConfig.AckDecimation.OFF);
        Run on = download(plain, ConnectionConfig.defaults(), LINK, 12);
        Run off = download(plain.withAckFrequency(null, true), ConnectionConfig.defaults(), LINK, 12);
        assertThat(on.clientDatagrams()).isLessThan(off.clientDatagrams() / 8);
    }

    @Test
    void serverThatDoesNotRequestLeavesTheClientAlone() throws Exception {
        Run run = download(ConnectionConfig.defaults(),
                ConnectionConfig.defaults().withAckFrequency(null, false), LINK, 13);
        assertThat(run.framesSent()).isZero();
        assertThat(run.clientPolicyActive()).isFalse();
    }

    @Test
    void completesUnderLossAndReordering() throws Exception {
        LinkConditions lossy = LinkConditions.delay(5_000_000).withLoss(0.03).withReordering(0.02);
        Run run = download(ConnectionConfig.defaults(), ConnectionConfig.defaults(), lossy, 14);
        assertThat(run.framesSent()).isPositive();
        assertThat(run.framesApplied()).isPositive();
    }

    @Test
    void clientsAdvertiseOneMillisecondByDefaultAndServersNothing() {
        ConnectionConfig d = ConnectionConfig.defaults();
        assertThat(d.resolvedFor(true).advertisedMinAckDelayMicros()).isEqualTo(1000);
        assertThat(d.resolvedFor(false).advertisedMinAckDelayMicros()).isEqualTo(-1);
        assertThat(d.resolvedFor(false).requestAckFrequency()).isTrue();
        ConnectionConfig explicit = d.withAckFrequency(Duration.ofMillis(2), false);
        assertThat(explicit.resolvedFor(false).advertisedMinAckDelayMicros()).isEqualTo(2000);
        assertThat(explicit.resolvedFor(true).requestAckFrequency()).isFalse();
        // never above max_ack_delay (25 ms), §3
        assertThat(d.withAckFrequency(Duration.ofMillis(40), true).advertisedMinAckDelayMicros()).isEqualTo(25_000);
    }
}
